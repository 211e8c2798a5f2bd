package dev.dataplane.crypto.noise;

/**
 * What decrypting an initiation reveals before we know which peer sent it: the initiator's static key
 * (to find the peer), its timestamp (to reject replays) and the Noise state to continue from.
 */
public record ConsumedInitiation(byte[] remoteStatic, byte[] timestamp, byte[] remoteEphemeral,
                                 byte[] chainKey, byte[] hash, int remoteIndex) {
}
