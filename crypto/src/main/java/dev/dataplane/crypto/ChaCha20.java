package dev.dataplane.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The ChaCha20 block function of RFC 8439 section 2.3, and HChaCha20 of draft-irtf-cfrg-xchacha.
 * Pure Java, allocation-free: callers own the 16-word state and keystream arrays.
 */
final class ChaCha20 {
    static final int BLOCK = 64;
    static final int JDK_BLOCKS_MIN_LEN = 256;

    // "expand 32-byte k" as four little-endian words
    static final int C0 = 0x61707865, C1 = 0x3320646e, C2 = 0x79622d32, C3 = 0x6b206574;

    static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ChaCha20() {}

    /** Fills state[0..15]: constants, the 8 key words, the 32-bit block counter and 3 nonce words. */
    static void init(int[] state, int[] key8, int counter, int n0, int n1, int n2) {
        state[0] = C0; state[1] = C1; state[2] = C2; state[3] = C3;
        System.arraycopy(key8, 0, state, 4, 8);
        state[12] = counter;
        state[13] = n0; state[14] = n1; state[15] = n2;
    }

    static void keyWords(byte[] key, int off, int[] out8) {
        for (int i = 0; i < 8; i++) out8[i] = (int) INT_LE.get(key, off + 4 * i);
    }

    /** out = 20 rounds of in, plus in (the feed-forward). in and out may be the same array only if the caller re-inits. */
    static void block(int[] in, int[] out) {
        rounds(in, out, true);
    }

    private static void rounds(int[] s, int[] out, boolean feedForward) {
        int x0 = s[0], x1 = s[1], x2 = s[2], x3 = s[3], x4 = s[4], x5 = s[5], x6 = s[6], x7 = s[7];
        int x8 = s[8], x9 = s[9], x10 = s[10], x11 = s[11], x12 = s[12], x13 = s[13], x14 = s[14], x15 = s[15];
        for (int i = 0; i < 10; i++) {
            // column round
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8);  x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8);  x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8);  x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8);  x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);
            // diagonal round
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8);  x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8);  x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8);  x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8);  x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }
        if (feedForward) {
            out[0] = x0 + s[0]; out[1] = x1 + s[1]; out[2] = x2 + s[2]; out[3] = x3 + s[3];
            out[4] = x4 + s[4]; out[5] = x5 + s[5]; out[6] = x6 + s[6]; out[7] = x7 + s[7];
            out[8] = x8 + s[8]; out[9] = x9 + s[9]; out[10] = x10 + s[10]; out[11] = x11 + s[11];
            out[12] = x12 + s[12]; out[13] = x13 + s[13]; out[14] = x14 + s[14]; out[15] = x15 + s[15];
        } else {
            out[0] = x0; out[1] = x1; out[2] = x2; out[3] = x3;
            out[4] = x4; out[5] = x5; out[6] = x6; out[7] = x7;
            out[8] = x8; out[9] = x9; out[10] = x10; out[11] = x11;
            out[12] = x12; out[13] = x13; out[14] = x14; out[15] = x15;
        }
    }

    /**
     * XORs the keystream into buf[off, off+len) in place, starting at the block counter already in state[12],
     * which is advanced. ks is a 16-word scratch; ksBytes, when not null, is a {@link JdkChaChaBlocks#KEYSTREAM_LEN}
     * scratch that switches keystream generation to the JDK's vectorised generator.
     */
    static void xor(int[] state, int[] ks, byte[] ksBytes, byte[] buf, int off, int len) {
        // the JDK generator writes up to 1 KB per call; for a few blocks the scalar path is faster (measured)
        if (ksBytes != null && len > JDK_BLOCKS_MIN_LEN) {
            xorJdkBlocks(state, ksBytes, buf, off, len);
            return;
        }
        int end = off + len;
        while (end - off >= BLOCK) {
            block(state, ks);
            state[12]++;
            for (int i = 0; i < 8; i++) {
                int p = off + 8 * i;
                long k = (ks[2 * i] & 0xffffffffL) | ((long) ks[2 * i + 1] << 32);
                LONG_LE.set(buf, p, (long) LONG_LE.get(buf, p) ^ k);
            }
            off += BLOCK;
        }
        if (off < end) {
            block(state, ks);
            state[12]++;
            for (int i = 0; off < end; i++, off++) {
                buf[off] ^= (byte) (ks[i >>> 2] >>> ((i & 3) << 3));
            }
        }
    }

    private static void xorJdkBlocks(int[] state, byte[] ks, byte[] buf, int off, int len) {
        xorJdkBlocks(state, ks, 0, 0, buf, off, len);
    }

    /**
     * Like {@link #xor} with the JDK's generator, using the keystream already in ks[ksOff, ksEnd) first (generated
     * for the counters before state[12]), then generating more.
     */
    static void xorJdkBlocks(int[] state, byte[] ks, int ksOff, int ksEnd, byte[] buf, int off, int len) {
        while (len > 0) {
            if (ksOff == ksEnd) {
                ksEnd = JdkChaChaBlocks.blocks(state, ks);
                state[12] += ksEnd / BLOCK;
                ksOff = 0;
            }
            int m = Math.min(ksEnd - ksOff, len);
            // eight bytes at a time: C2 does not vectorise a byte loop over two arrays (1 byte/ns measured)
            int i = 0;
            for (; i <= m - 8; i += 8) {
                LONG_LE.set(buf, off + i, (long) LONG_LE.get(buf, off + i) ^ (long) LONG_LE.get(ks, ksOff + i));
            }
            for (; i < m; i++) buf[off + i] ^= ks[ksOff + i];
            off += m;
            ksOff += m;
            len -= m;
        }
    }

    /** HChaCha20: the 20 rounds without feed-forward; output words 0..3 and 12..15, little-endian. */
    static void hchacha20(byte[] key, byte[] nonce16, byte[] out32) {
        int[] s = new int[16];
        s[0] = C0; s[1] = C1; s[2] = C2; s[3] = C3;
        for (int i = 0; i < 8; i++) s[4 + i] = (int) INT_LE.get(key, 4 * i);
        for (int i = 0; i < 4; i++) s[12 + i] = (int) INT_LE.get(nonce16, 4 * i);
        int[] x = new int[16];
        rounds(s, x, false);
        for (int i = 0; i < 4; i++) {
            INT_LE.set(out32, 4 * i, x[i]);
            INT_LE.set(out32, 16 + 4 * i, x[12 + i]);
        }
        java.util.Arrays.fill(s, 0);
        java.util.Arrays.fill(x, 0);
    }
}
