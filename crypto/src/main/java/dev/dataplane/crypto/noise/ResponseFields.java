package dev.dataplane.crypto.noise;

/** The Noise-relevant fields of a handshake response (message type 2); the wire layout lives in encap/. */
public final class ResponseFields {
    public int senderIndex;
    public int receiverIndex;
    public final byte[] ephemeral = new byte[NoiseConstants.KEY_LEN];
    public final byte[] encryptedNothing = new byte[NoiseConstants.ENCRYPTED_NOTHING_LEN];
}
