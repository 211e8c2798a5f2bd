package dev.dataplane.crypto;

import java.util.Arrays;

/**
 * The AEAD_CHACHA20_POLY1305 construction of RFC 8439 section 2.8 on heap arrays, in place, pure Java.
 * One instance per thread; after construction it allocates nothing.
 */
final class ChaCha20Poly1305Engine {
    static final int TAG_LEN = 16;

    private final int[] state = new int[16];
    private final int[] ks = new int[16];
    private final byte[] polyKey = new byte[64];
    private final byte[] tag = new byte[TAG_LEN];
    private final Poly1305 poly = new Poly1305();
    private final byte[] ksBytes; // null: pure-Java keystream

    /** Uses the JDK's vectorised keystream generator when it is reachable (see {@link JdkChaChaBlocks}). */
    ChaCha20Poly1305Engine() {
        this(JdkChaChaBlocks.AVAILABLE);
    }

    ChaCha20Poly1305Engine(boolean jdkBlocks) {
        if (jdkBlocks && !JdkChaChaBlocks.AVAILABLE) throw new IllegalStateException("JDK ChaCha20 blocks not reachable");
        ksBytes = jdkBlocks ? new byte[JdkChaChaBlocks.KEYSTREAM_LEN] : null;
    }

    /**
     * Encrypts buf[off, off+len) in place and writes the tag at buf[off+len]. The nonce is three little-endian
     * words: WireGuard's nonce is n0 = 0, n1|n2 = the 64-bit counter.
     */
    void seal(int[] key8, int n0, int n1, int n2, byte[] buf, int off, int len, byte[] aad, int aadOff, int aadLen) {
        boolean wide = wide(len);
        int generated = wide ? startWide(key8, n0, n1, n2, aad, aadOff, aadLen) : start(key8, n0, n1, n2, aad, aadOff, aadLen);
        crypt(wide, generated, buf, off, len);
        authenticate(buf, off, len, aadLen);
        poly.finish(buf, off + len);
        wipe();
    }

    /**
     * Verifies the tag at buf[off+ctLen] over buf[off, off+ctLen) and, only if it matches, decrypts in place.
     * Returns false (buffer untouched) when authentication fails.
     */
    boolean open(int[] key8, int n0, int n1, int n2, byte[] buf, int off, int ctLen, byte[] aad, int aadOff, int aadLen) {
        boolean wide = wide(ctLen);
        int generated = wide ? startWide(key8, n0, n1, n2, aad, aadOff, aadLen) : start(key8, n0, n1, n2, aad, aadOff, aadLen);
        authenticate(buf, off, ctLen, aadLen);
        poly.finish(tag, 0);
        boolean ok = equal16(tag, buf, off + ctLen);
        if (ok) crypt(wide, generated, buf, off, ctLen);
        wipe();
        return ok;
    }

    /** Long messages take their keystream from the JDK's generator, which then yields block 0 (the Poly1305 key) too. */
    private boolean wide(int len) {
        return ksBytes != null && len > ChaCha20.JDK_BLOCKS_MIN_LEN;
    }

    /** XORs the keystream in: for a wide message starting with what {@link #startWide} already generated. */
    private void crypt(boolean wide, int generated, byte[] buf, int off, int len) {
        if (wide) {
            ChaCha20.xorJdkBlocks(state, ksBytes, ChaCha20.BLOCK, generated, buf, off, len);
        } else {
            ChaCha20.xor(state, ks, ksBytes, buf, off, len);
        }
    }

    /** Derives the Poly1305 key from block 0, absorbs the AAD and leaves the cipher at block 1; returns 0. */
    private int start(int[] key8, int n0, int n1, int n2, byte[] aad, int aadOff, int aadLen) {
        ChaCha20.init(state, key8, 0, n0, n1, n2);
        ChaCha20.block(state, ks);
        for (int i = 0; i < 8; i++) ChaCha20.INT_LE.set(polyKey, 4 * i, ks[i]);
        state[12] = 1;
        absorbAad(aad, aadOff, aadLen);
        return 0;
    }

    /**
     * The same with one call of the JDK's generator from block 0: the Poly1305 key is its first 32 bytes, and the
     * keystream for blocks 1.. stays in ksBytes[64, returned) for the cipher (state[12] is past what was generated).
     */
    private int startWide(int[] key8, int n0, int n1, int n2, byte[] aad, int aadOff, int aadLen) {
        ChaCha20.init(state, key8, 0, n0, n1, n2);
        int generated = JdkChaChaBlocks.blocks(state, ksBytes);
        state[12] += generated / ChaCha20.BLOCK;
        System.arraycopy(ksBytes, 0, polyKey, 0, 32);
        Arrays.fill(ksBytes, 0, 32, (byte) 0);
        absorbAad(aad, aadOff, aadLen);
        return generated;
    }

    private void absorbAad(byte[] aad, int aadOff, int aadLen) {
        poly.init(polyKey, 0);
        int full = aadLen & ~15;
        if (aad != null) {
            poly.blocks(aad, aadOff, full);
            poly.blockZeroPadded(aad, aadOff + full, aadLen - full);
        }
    }

    private void authenticate(byte[] ct, int off, int len, int aadLen) {
        int full = len & ~15;
        poly.blocks(ct, off, full);
        poly.blockZeroPadded(ct, off + full, len - full);
        poly.lengths(aadLen, len);
    }

    private void wipe() {
        Arrays.fill(state, 0);
        Arrays.fill(ks, 0);
        Arrays.fill(polyKey, (byte) 0);
        // ksBytes is left as is: clearing 1 KB per packet costs more than it protects, since its keystream is
        // for a nonce never used again and reveals only plaintext the caller's buffer holds anyway
    }

    /** Constant-time comparison of 16 bytes. */
    static boolean equal16(byte[] a, byte[] b, int bOff) {
        long d = (long) ChaCha20.LONG_LE.get(a, 0) ^ (long) ChaCha20.LONG_LE.get(b, bOff);
        d |= (long) ChaCha20.LONG_LE.get(a, 8) ^ (long) ChaCha20.LONG_LE.get(b, bOff + 8);
        return d == 0;
    }
}
