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

    private final long[] f2 = new long[LIMBS];
    private final long[] g19 = new long[LIMBS];
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

    /** h = f * g. h may alias f or g. Inputs: limbs of at most about 2^26.5 (one add or sub of carried values). */
    void mul(long[] h, long[] f, long[] g) {
        long[] f2 = this.f2, g19 = this.g19, t = this.t;
        for (int i = 0; i < LIMBS; i++) {
            f2[i] = f[i] << (i & 1);
            g19[i] = 19 * g[i];
        }
        for (int k = 0; k < LIMBS; k++) {
            // limbs i and j both odd overshoot the weight of limb i+j by one bit, hence the doubled f
            long[] fk = (k & 1) == 0 ? f2 : f;
            long s = 0;
            for (int i = 0; i <= k; i++) s += fk[i] * g[k - i];
            for (int i = k + 1; i < LIMBS; i++) s += fk[i] * g19[k + LIMBS - i];
            t[k] = s;
        }
        carry(t);
        copy(h, t);
    }

    void square(long[] h, long[] f) {
        mul(h, f, f);
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
