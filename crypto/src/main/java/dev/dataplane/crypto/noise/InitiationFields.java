package dev.dataplane.crypto.noise;

/** The Noise-relevant fields of a handshake initiation (message type 1); the wire layout lives in encap/. */
public final class InitiationFields {
    public int senderIndex;
    public final byte[] ephemeral = new byte[NoiseConstants.KEY_LEN];
    public final byte[] encryptedStatic = new byte[NoiseConstants.ENCRYPTED_STATIC_LEN];
    public final byte[] encryptedTimestamp = new byte[NoiseConstants.ENCRYPTED_TIMESTAMP_LEN];
}
