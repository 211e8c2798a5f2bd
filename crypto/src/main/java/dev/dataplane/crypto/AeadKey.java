package dev.dataplane.crypto;

import java.util.Arrays;

/**
 * A 32-byte ChaCha20-Poly1305 transport key, pre-split into the eight little-endian words the cipher state
 * wants, so the data path never re-parses key bytes. Immutable apart from {@link #destroy}.
 */
public final class AeadKey {
    public static final int LEN = 32;

    final int[] words = new int[8];
    /** Set before the words are zeroed, so a user that copied the words and then sees it clear used the key. */
    private volatile boolean destroyed;

    public AeadKey(byte[] key32) {
        if (key32 == null || key32.length != LEN) {
            throw new IllegalArgumentException("AEAD key must be 32 bytes");
        }
        ChaCha20.keyWords(key32, 0, words);
    }

    /**
     * Zeroes the key material. {@link ChaChaPoly} refuses a destroyed key (seal and open return -1), also when
     * another thread destroys it mid-call: it copies the words, then checks this flag.
     */
    public void destroy() {
        destroyed = true;
        java.lang.invoke.VarHandle.fullFence();   // the flag is visible before any word reads as zero
        Arrays.fill(words, 0);
    }

    /**
     * Copies the words into {@code out8}; false (and {@code out8} zeroed) if the key is destroyed, or was being
     * destroyed while it was read, so a half-zeroed key is never used.
     */
    boolean copyTo(int[] out8) {
        System.arraycopy(words, 0, out8, 0, 8);
        java.lang.invoke.VarHandle.loadLoadFence();   // the words are read before the flag
        if (destroyed) {
            Arrays.fill(out8, 0);
            return false;
        }
        return true;
    }
}
