package dev.dataplane.crypto;

import java.util.Arrays;

/**
 * A 32-byte ChaCha20-Poly1305 transport key, pre-split into the eight little-endian words the cipher state
 * wants, so the data path never re-parses key bytes. Immutable apart from {@link #destroy}.
 */
public final class AeadKey {
    public static final int LEN = 32;

    final int[] words = new int[8];

    public AeadKey(byte[] key32) {
        if (key32 == null || key32.length != LEN) {
            throw new IllegalArgumentException("AEAD key must be 32 bytes");
        }
        ChaCha20.keyWords(key32, 0, words);
    }

    /** Zeroes the key material; using the key afterwards encrypts under the all-zero key, so drop it. */
    public void destroy() {
        Arrays.fill(words, 0);
    }
}
