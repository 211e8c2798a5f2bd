package dev.dataplane.crypto.noise;

import dev.dataplane.crypto.Blake2s;

import java.nio.charset.StandardCharsets;

/** The fixed strings of WireGuard's Noise_IKpsk2 instance, and the chaining key and hash they start from. */
public final class NoiseConstants {
    public static final String CONSTRUCTION = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
    public static final String IDENTIFIER = "WireGuard v1 zx2c4 Jason@zx2c4.com";
    public static final byte[] LABEL_MAC1 = "mac1----".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] LABEL_COOKIE = "cookie--".getBytes(StandardCharsets.US_ASCII);

    public static final int KEY_LEN = 32;
    public static final int TIMESTAMP_LEN = 12;
    public static final int TAG_LEN = 16;
    public static final int ENCRYPTED_STATIC_LEN = KEY_LEN + TAG_LEN;
    public static final int ENCRYPTED_TIMESTAMP_LEN = TIMESTAMP_LEN + TAG_LEN;
    public static final int ENCRYPTED_NOTHING_LEN = TAG_LEN;

    private static final byte[] INITIAL_CHAIN_KEY =
            Blake2s.hash(CONSTRUCTION.getBytes(StandardCharsets.US_ASCII));
    private static final byte[] INITIAL_HASH =
            Blake2s.hash(INITIAL_CHAIN_KEY, IDENTIFIER.getBytes(StandardCharsets.US_ASCII));

    private NoiseConstants() {}

    /** A fresh copy of C_i = HASH(CONSTRUCTION). */
    public static byte[] initialChainKey() {
        return INITIAL_CHAIN_KEY.clone();
    }

    /** A fresh copy of H_i = HASH(C_i || IDENTIFIER); callers then mix in the responder's static key. */
    public static byte[] initialHash() {
        return INITIAL_HASH.clone();
    }
}
