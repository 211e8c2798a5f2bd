package dev.dataplane.crypto;

import java.util.Arrays;

/**
 * BLAKE2s (RFC 7693): digest length 1..32 bytes, optional key of 0..32 bytes. Sequential only (no tree mode,
 * no salt/personalisation), which is all WireGuard uses. An instance hashes one message: update, then digest.
 */
public final class Blake2s {
    public static final int BLOCK_LEN = 64;
    public static final int MAX_OUT = 32;

    private static final int[] IV = {
            0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};

    private static final byte[][] SIGMA = {
            {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
            {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
            {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
            {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
            {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
            {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
            {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
            {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
            {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
            {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0}};

    private final int[] h = new int[8];
    private final int[] v = new int[16];
    private final int[] m = new int[16];
    private final byte[] buf = new byte[BLOCK_LEN];
    private int bufLen;
    private long bytesCompressed;
    private final int outLen;
    private boolean finished;

    public Blake2s(int outLen) {
        this(outLen, null);
    }

    public Blake2s(int outLen, byte[] key) {
        if (outLen < 1 || outLen > MAX_OUT) throw new IllegalArgumentException("digest length must be 1..32");
        int keyLen = key == null ? 0 : key.length;
        if (keyLen > 32) throw new IllegalArgumentException("key must be at most 32 bytes");
        this.outLen = outLen;
        System.arraycopy(IV, 0, h, 0, 8);
        // parameter block word 0: digest length, key length, fanout 1, depth 1
        h[0] ^= 0x01010000 ^ (keyLen << 8) ^ outLen;
        if (keyLen > 0) {
            // the key, zero-padded to a full block, is the first block of the message
            System.arraycopy(key, 0, buf, 0, keyLen);
            bufLen = BLOCK_LEN;
        }
    }

    public Blake2s update(byte[] in) {
        return update(in, 0, in.length);
    }

    public Blake2s update(byte[] in, int off, int len) {
        if (finished) throw new IllegalStateException("digest already taken");
        java.util.Objects.checkFromIndexSize(off, len, in.length);
        while (len > 0) {
            // keep the last block buffered: only digest() knows which block is final
            if (bufLen == BLOCK_LEN) {
                bytesCompressed += BLOCK_LEN;
                compress(buf, 0, false);
                bufLen = 0;
            }
            int n = Math.min(len, BLOCK_LEN - bufLen);
            System.arraycopy(in, off, buf, bufLen, n);
            bufLen += n;
            off += n;
            len -= n;
        }
        return this;
    }

    /** Writes outLen bytes at out[off]. The instance cannot be used afterwards. */
    public void digest(byte[] out, int off) {
        if (finished) throw new IllegalStateException("digest already taken");
        java.util.Objects.checkFromIndexSize(off, outLen, out.length);
        finished = true;
        bytesCompressed += bufLen;
        Arrays.fill(buf, bufLen, BLOCK_LEN, (byte) 0);
        compress(buf, 0, true);
        for (int i = 0; i < outLen; i++) out[off + i] = (byte) (h[i >>> 2] >>> ((i & 3) << 3));
        Arrays.fill(h, 0);
        Arrays.fill(v, 0);
        Arrays.fill(m, 0);
        Arrays.fill(buf, (byte) 0);
    }

    public byte[] digest() {
        byte[] out = new byte[outLen];
        digest(out, 0);
        return out;
    }

    /** 32-byte unkeyed BLAKE2s of the concatenation of parts. */
    public static byte[] hash(byte[]... parts) {
        Blake2s b = new Blake2s(MAX_OUT);
        for (byte[] p : parts) b.update(p);
        return b.digest();
    }

    /** Keyed BLAKE2s of the concatenation of parts (WireGuard's MAC uses outLen 16). */
    public static byte[] mac(int outLen, byte[] key, byte[]... parts) {
        Blake2s b = new Blake2s(outLen, key);
        for (byte[] p : parts) b.update(p);
        return b.digest();
    }

    private void compress(byte[] block, int off, boolean last) {
        int[] m = this.m, v = this.v, h = this.h;
        for (int i = 0; i < 16; i++) m[i] = (int) ChaCha20.INT_LE.get(block, off + 4 * i);
        System.arraycopy(h, 0, v, 0, 8);
        System.arraycopy(IV, 0, v, 8, 8);
        v[12] ^= (int) bytesCompressed;
        v[13] ^= (int) (bytesCompressed >>> 32);
        if (last) v[14] = ~v[14];
        for (int r = 0; r < 10; r++) {
            byte[] s = SIGMA[r];
            g(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
            g(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
            g(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
            g(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
            g(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
            g(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
            g(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
            g(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
        }
        for (int i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
    }

    private static void g(int[] v, int a, int b, int c, int d, int x, int y) {
        v[a] += v[b] + x;
        v[d] = Integer.rotateRight(v[d] ^ v[a], 16);
        v[c] += v[d];
        v[b] = Integer.rotateRight(v[b] ^ v[c], 12);
        v[a] += v[b] + y;
        v[d] = Integer.rotateRight(v[d] ^ v[a], 8);
        v[c] += v[d];
        v[b] = Integer.rotateRight(v[b] ^ v[c], 7);
    }
}
