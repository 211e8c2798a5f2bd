package dev.dataplane.crypto;

/**
 * Arithmetic mod p = 2^255 - 19 for X25519. An element is ten signed limbs of alternately 26 and 25 bits
 * (limb i has weight 2^ceil(25.5 i)), so every limb product fits a long and 2^255 folds back as 19.
 * An instance holds the scratch for one computation; nothing is allocated per operation.
 */
final class Field25519 {
    static final int LIMBS = 10;
    private static final int[] WIDTH = {26, 25, 26, 25, 26, 25, 26, 25, 26, 25};
    private static final int[] OFFSET = {0, 26, 51, 77, 102, 128, 153, 179, 204, 230};

    private final long[] t = new long[LIMBS];
    private final long[] u = new long[LIMBS];

    static long[] element() {
        return new long[LIMBS];
    }

    static void set(long[] h, long small) {
        java.util.Arrays.fill(h, 0);
        h[0] = small;
    }

    static void copy(long[] h, long[] f) {
        System.arraycopy(f, 0, h, 0, LIMBS);
    }

    static void add(long[] h, long[] f, long[] g) {
        for (int i = 0; i < LIMBS; i++) h[i] = f[i] + g[i];
    }

    static void sub(long[] h, long[] f, long[] g) {
        for (int i = 0; i < LIMBS; i++) h[i] = f[i] - g[i];
    }

    /** Swaps f and g when swap is 1, leaves them when 0, without branching on it. */
    static void cswap(long[] f, long[] g, int swap) {
        long mask = -swap;
        for (int i = 0; i < LIMBS; i++) {
            long x = mask & (f[i] ^ g[i]);
            f[i] ^= x;
            g[i] ^= x;
        }
    }

    /**
     * h = f * g, schoolbook over the ten limbs with the wrap-around terms multiplied by 19. h may alias f or g.
     * Inputs: limbs of at most about 2^26.5 (one add or sub of carried values). Written out so every limb
     * stays in a register; the loop form was half as fast.
     */
    void mul(long[] h, long[] f, long[] g) {
        long f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4], f5 = f[5], f6 = f[6], f7 = f[7], f8 = f[8], f9 = f[9];
        long g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3], g4 = g[4], g5 = g[5], g6 = g[6], g7 = g[7], g8 = g[8], g9 = g[9];
        long g1n = 19 * g1, g2n = 19 * g2, g3n = 19 * g3, g4n = 19 * g4, g5n = 19 * g5;
        long g6n = 19 * g6, g7n = 19 * g7, g8n = 19 * g8, g9n = 19 * g9;
        // two odd limbs overshoot the weight of their product's limb by one bit, hence the doubled odd f
        long f1d = 2 * f1, f3d = 2 * f3, f5d = 2 * f5, f7d = 2 * f7, f9d = 2 * f9;
        long h0 = f0 * g0 + f1d * g9n + f2 * g8n + f3d * g7n + f4 * g6n + f5d * g5n + f6 * g4n + f7d * g3n + f8 * g2n + f9d * g1n;
        long h1 = f0 * g1 + f1 * g0 + f2 * g9n + f3 * g8n + f4 * g7n + f5 * g6n + f6 * g5n + f7 * g4n + f8 * g3n + f9 * g2n;
        long h2 = f0 * g2 + f1d * g1 + f2 * g0 + f3d * g9n + f4 * g8n + f5d * g7n + f6 * g6n + f7d * g5n + f8 * g4n + f9d * g3n;
        long h3 = f0 * g3 + f1 * g2 + f2 * g1 + f3 * g0 + f4 * g9n + f5 * g8n + f6 * g7n + f7 * g6n + f8 * g5n + f9 * g4n;
        long h4 = f0 * g4 + f1d * g3 + f2 * g2 + f3d * g1 + f4 * g0 + f5d * g9n + f6 * g8n + f7d * g7n + f8 * g6n + f9d * g5n;
        long h5 = f0 * g5 + f1 * g4 + f2 * g3 + f3 * g2 + f4 * g1 + f5 * g0 + f6 * g9n + f7 * g8n + f8 * g7n + f9 * g6n;
        long h6 = f0 * g6 + f1d * g5 + f2 * g4 + f3d * g3 + f4 * g2 + f5d * g1 + f6 * g0 + f7d * g9n + f8 * g8n + f9d * g7n;
        long h7 = f0 * g7 + f1 * g6 + f2 * g5 + f3 * g4 + f4 * g3 + f5 * g2 + f6 * g1 + f7 * g0 + f8 * g9n + f9 * g8n;
        long h8 = f0 * g8 + f1d * g7 + f2 * g6 + f3d * g5 + f4 * g4 + f5d * g3 + f6 * g2 + f7d * g1 + f8 * g0 + f9d * g9n;
        long h9 = f0 * g9 + f1 * g8 + f2 * g7 + f3 * g6 + f4 * g5 + f5 * g4 + f6 * g3 + f7 * g2 + f8 * g1 + f9 * g0;
        carryInto(h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
    }

    /** Rounding carries, as carry() does, on limbs still in registers; then stores them. */
    private static void carryInto(long[] h, long h0, long h1, long h2, long h3, long h4,
                                  long h5, long h6, long h7, long h8, long h9) {
        long c;
        c = (h0 + (1L << 25)) >> 26; h1 += c; h0 -= c << 26;
        c = (h1 + (1L << 24)) >> 25; h2 += c; h1 -= c << 25;
        c = (h2 + (1L << 25)) >> 26; h3 += c; h2 -= c << 26;
        c = (h3 + (1L << 24)) >> 25; h4 += c; h3 -= c << 25;
        c = (h4 + (1L << 25)) >> 26; h5 += c; h4 -= c << 26;
        c = (h5 + (1L << 24)) >> 25; h6 += c; h5 -= c << 25;
        c = (h6 + (1L << 25)) >> 26; h7 += c; h6 -= c << 26;
        c = (h7 + (1L << 24)) >> 25; h8 += c; h7 -= c << 25;
        c = (h8 + (1L << 25)) >> 26; h9 += c; h8 -= c << 26;
        c = (h9 + (1L << 24)) >> 25; h0 += 19 * c; h9 -= c << 25;
        c = (h0 + (1L << 25)) >> 26; h1 += c; h0 -= c << 26;
        h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3; h[4] = h4;
        h[5] = h5; h[6] = h6; h[7] = h7; h[8] = h8; h[9] = h9;
    }

    /** h = f^2: mul with each cross product computed once and doubled (55 products instead of 100). */
    void square(long[] h, long[] f) {
        long f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4], f5 = f[5], f6 = f[6], f7 = f[7], f8 = f[8], f9 = f[9];
        long f0d = 2 * f0, f1d = 2 * f1, f2d = 2 * f2, f3d = 2 * f3, f4d = 2 * f4, f5d = 2 * f5, f6d = 2 * f6, f7d = 2 * f7;
        long f5n = 38 * f5, f6n = 19 * f6, f7n = 38 * f7, f8n = 19 * f8, f9n = 38 * f9;
        long h0 = f0 * f0 + f1d * f9n + f2d * f8n + f3d * f7n + f4d * f6n + f5 * f5n;
        long h1 = f0d * f1 + f2 * f9n + f3d * f8n + f4 * f7n + f5d * f6n;
        long h2 = f0d * f2 + f1d * f1 + f3d * f9n + f4d * f8n + f5d * f7n + f6 * f6n;
        long h3 = f0d * f3 + f1d * f2 + f4 * f9n + f5d * f8n + f6 * f7n;
        long h4 = f0d * f4 + f1d * f3d + f2 * f2 + f5d * f9n + f6d * f8n + f7 * f7n;
        long h5 = f0d * f5 + f1d * f4 + f2d * f3 + f6 * f9n + f7d * f8n;
        long h6 = f0d * f6 + f1d * f5d + f2d * f4 + f3d * f3 + f7d * f9n + f8 * f8n;
        long h7 = f0d * f7 + f1d * f6 + f2d * f5 + f3d * f4 + f8 * f9n;
        long h8 = f0d * f8 + f1d * f7d + f2d * f6 + f3d * f5d + f4 * f4 + f9 * f9n;
        long h9 = f0d * f9 + f1d * f8 + f2d * f7 + f3d * f6 + f4d * f5;
        carryInto(h, h0, h1, h2, h3, h4, h5, h6, h7, h8, h9);
    }

    /** h = f * 121665, the (A - 2) / 4 of Curve25519. */
    static void mul121665(long[] h, long[] f) {
        for (int i = 0; i < LIMBS; i++) h[i] = f[i] * 121665;
        carry(h);
    }

    /** Rounding carries: afterwards every limb is within half its width, signed. */
    static void carry(long[] h) {
        for (int i = 0; i < LIMBS; i++) {
            int w = WIDTH[i];
            long c = (h[i] + (1L << (w - 1))) >> w;
            h[i] -= c << w;
            if (i < LIMBS - 1) h[i + 1] += c;
            else h[0] += 19 * c;
        }
        long c = (h[0] + (1L << 25)) >> 26;
        h[0] -= c << 26;
        h[1] += c;
    }

    /** Reads 32 little-endian bytes, ignoring the top bit (RFC 7748 section 5). Non-canonical values are fine. */
    static void fromBytes(long[] h, byte[] s) {
        long[] a = new long[5];
        for (int i = 0; i < 4; i++) a[i] = (long) ChaCha20.LONG_LE.get(s, 8 * i);
        for (int i = 0; i < LIMBS; i++) {
            int pos = OFFSET[i], word = pos >>> 6, shift = pos & 63;
            long v = a[word] >>> shift;
            if (shift + WIDTH[i] > 64) v |= a[word + 1] << (64 - shift);
            h[i] = v & ((1L << WIDTH[i]) - 1);
        }
    }

    /** Writes the canonical (fully reduced mod p) 32-byte little-endian encoding. */
    void toBytes(byte[] out, long[] h) {
        long[] t = this.t, u = this.u;
        copy(t, h);
        carry(t);
        // + 2p makes every limb non-negative, so floor carries converge within three passes below 2^255
        t[0] += 2 * ((1L << 26) - 19);
        for (int i = 1; i < LIMBS; i++) t[i] += 2 * ((1L << WIDTH[i]) - 1);
        for (int pass = 0; pass < 3; pass++) {
            long top = floorCarry(t); // not folded in one "t[0] +=" statement: Java would read t[0] first
            t[0] += 19 * top;
        }
        // t < 2^255; t >= p exactly when t + 19 reaches 2^255, and then t - p = (t + 19) mod 2^255
        copy(u, t);
        u[0] += 19;
        long geP = floorCarry(u);
        long mask = -geP;
        for (int i = 0; i < LIMBS; i++) t[i] = (t[i] & ~mask) | (u[i] & mask);
        long acc = 0;
        int bits = 0, o = 0;
        for (int i = 0; i < LIMBS; i++) {
            acc |= t[i] << bits;
            bits += WIDTH[i];
            while (bits >= 8) {
                out[o++] = (byte) acc;
                acc >>>= 8;
                bits -= 8;
            }
        }
        out[31] = (byte) acc; // the last 7 bits
    }

    /** Floor carries through all limbs; returns the carry out of the top limb (the multiple of 2^255). */
    private static long floorCarry(long[] h) {
        long c = 0;
        for (int i = 0; i < LIMBS; i++) {
            h[i] += c;
            c = h[i] >> WIDTH[i];
            h[i] -= c << WIDTH[i];
        }
        return c;
    }

    /** out = z^(p-2) = 1/z, by the usual addition chain (254 squarings, 11 multiplications). */
    void invert(long[] out, long[] z) {
        long[] z2 = element(), z9 = element(), z11 = element(), a = element(), b = element(), c = element();
        square(z2, z);
        square(a, z2);
        square(a, a);
        mul(z9, a, z);
        mul(z11, z9, z2);
        square(a, z11);
        mul(a, a, z9);               // 2^5 - 1
        squareTimes(b, a, 5);
        mul(b, b, a);                // 2^10 - 1
        squareTimes(c, b, 10);
        mul(c, c, b);                // 2^20 - 1
        long[] d = element();
        squareTimes(d, c, 20);
        mul(d, d, c);                // 2^40 - 1
        squareTimes(d, d, 10);
        mul(b, d, b);                // 2^50 - 1
        squareTimes(c, b, 50);
        mul(c, c, b);                // 2^100 - 1
        squareTimes(d, c, 100);
        mul(d, d, c);                // 2^200 - 1
        squareTimes(d, d, 50);
        mul(d, d, b);                // 2^250 - 1
        squareTimes(d, d, 5);
        mul(out, d, z11);            // 2^255 - 32 + 11 = p - 2
    }

    private void squareTimes(long[] h, long[] f, int n) {
        square(h, f);
        for (int i = 1; i < n; i++) square(h, h);
    }
}
