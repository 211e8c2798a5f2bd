package dev.dataplane.crypto;

/**
 * Poly1305 (RFC 8439 section 2.5) with five 26-bit limbs held in longs, so every product fits in 64 bits.
 * Reusable and allocation-free: {@link #init} per message, then blocks, then {@link #finish}.
 */
final class Poly1305 {
    static final int TAG_LEN = 16;
    private static final long M26 = 0x3ffffff;
    private static final long M32 = 0xffffffffL;

    private long r0, r1, r2, r3, r4;
    private long h0, h1, h2, h3, h4;
    private long pad0, pad1, pad2, pad3;
    private final byte[] last = new byte[16];

    private static long u32(byte[] b, int off) {
        return (int) ChaCha20.INT_LE.get(b, off) & M32;
    }

    /** Starts a message with the 32-byte one-time key {@code r || s}. */
    void init(byte[] key, int off) {
        long t0 = u32(key, off), t1 = u32(key, off + 4), t2 = u32(key, off + 8), t3 = u32(key, off + 12);
        // split r into 26-bit limbs and clamp it (r &= 0x0ffffffc0ffffffc0ffffffc0fffffff) in the same step
        r0 = t0 & 0x3ffffff;
        r1 = ((t0 >>> 26) | (t1 << 6)) & 0x3ffff03;
        r2 = ((t1 >>> 20) | (t2 << 12)) & 0x3ffc0ff;
        r3 = ((t2 >>> 14) | (t3 << 18)) & 0x3f03fff;
        r4 = (t3 >>> 8) & 0x00fffff;
        pad0 = u32(key, off + 16); pad1 = u32(key, off + 20); pad2 = u32(key, off + 24); pad3 = u32(key, off + 28);
        h0 = h1 = h2 = h3 = h4 = 0;
    }

    /** Absorbs len bytes, len a multiple of 16 (the AEAD construction pads everything to 16). */
    void blocks(byte[] m, int off, int len) {
        blocks(m, off, len, 1L << 24);
    }

    private void blocks(byte[] m, int off, int len, long hibit) {
        final long r0 = this.r0, r1 = this.r1, r2 = this.r2, r3 = this.r3, r4 = this.r4;
        final long s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
        long h0 = this.h0, h1 = this.h1, h2 = this.h2, h3 = this.h3, h4 = this.h4;
        for (int end = off + len; off < end; off += 16) {
            long t0 = u32(m, off), t1 = u32(m, off + 4), t2 = u32(m, off + 8), t3 = u32(m, off + 12);
            h0 += t0 & M26;
            h1 += ((t0 >>> 26) | (t1 << 6)) & M26;
            h2 += ((t1 >>> 20) | (t2 << 12)) & M26;
            h3 += ((t2 >>> 14) | (t3 << 18)) & M26;
            h4 += (t3 >>> 8) | hibit;

            // h *= r mod 2^130 - 5; limbs above 2^130 fold back multiplied by 5
            long d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
            long d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
            long d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
            long d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
            long d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;

            long c = d0 >>> 26; h0 = d0 & M26;
            d1 += c; c = d1 >>> 26; h1 = d1 & M26;
            d2 += c; c = d2 >>> 26; h2 = d2 & M26;
            d3 += c; c = d3 >>> 26; h3 = d3 & M26;
            d4 += c; c = d4 >>> 26; h4 = d4 & M26;
            h0 += c * 5; c = h0 >>> 26; h0 &= M26;
            h1 += c;
        }
        this.h0 = h0; this.h1 = h1; this.h2 = h2; this.h3 = h3; this.h4 = h4;
    }

    /** Absorbs len (< 16) bytes followed by zeros, as one full block: the AEAD's pad16. */
    void blockZeroPadded(byte[] m, int off, int len) {
        if (len == 0) return;
        System.arraycopy(m, off, last, 0, len);
        java.util.Arrays.fill(last, len, 16, (byte) 0);
        blocks(last, 0, 16, 1L << 24);
    }

    /** Absorbs the AEAD length block: aadLen and ctLen as little-endian 64-bit values. */
    void lengths(long aadLen, long ctLen) {
        ChaCha20.LONG_LE.set(last, 0, aadLen);
        ChaCha20.LONG_LE.set(last, 8, ctLen);
        blocks(last, 0, 16, 1L << 24);
    }

    /** Plain Poly1305 final partial block (len < 16): append 0x01, no 2^128 bit. Not used by the AEAD. */
    void partialBlock(byte[] m, int off, int len) {
        if (len == 0) return;
        System.arraycopy(m, off, last, 0, len);
        last[len] = 1;
        java.util.Arrays.fill(last, len + 1, 16, (byte) 0);
        blocks(last, 0, 16, 0);
    }

    /** Writes the 16-byte tag and wipes the state. */
    void finish(byte[] out, int off) {
        long h0 = this.h0, h1 = this.h1, h2 = this.h2, h3 = this.h3, h4 = this.h4;
        long c = h1 >>> 26; h1 &= M26;
        h2 += c; c = h2 >>> 26; h2 &= M26;
        h3 += c; c = h3 >>> 26; h3 &= M26;
        h4 += c; c = h4 >>> 26; h4 &= M26;
        h0 += c * 5; c = h0 >>> 26; h0 &= M26;
        h1 += c;

        // g = h + 5 - 2^130; if g did not go negative, h >= p and g is the reduced value
        long g0 = h0 + 5; c = g0 >>> 26; g0 &= M26;
        long g1 = h1 + c; c = g1 >>> 26; g1 &= M26;
        long g2 = h2 + c; c = g2 >>> 26; g2 &= M26;
        long g3 = h3 + c; c = g3 >>> 26; g3 &= M26;
        long g4 = h4 + c - (1L << 26);
        long keepH = g4 >> 63; // all ones when h < p
        h0 = (h0 & keepH) | (g0 & ~keepH);
        h1 = (h1 & keepH) | (g1 & ~keepH);
        h2 = (h2 & keepH) | (g2 & ~keepH);
        h3 = (h3 & keepH) | (g3 & ~keepH);
        h4 = (h4 & keepH) | (g4 & ~keepH & M26);

        // to four 32-bit words (mod 2^128), then add s
        long w0 = (h0 | (h1 << 26)) & M32;
        long w1 = ((h1 >>> 6) | (h2 << 20)) & M32;
        long w2 = ((h2 >>> 12) | (h3 << 14)) & M32;
        long w3 = ((h3 >>> 18) | (h4 << 8)) & M32;
        long f = w0 + pad0; ChaCha20.INT_LE.set(out, off, (int) f);
        f = w1 + pad1 + (f >>> 32); ChaCha20.INT_LE.set(out, off + 4, (int) f);
        f = w2 + pad2 + (f >>> 32); ChaCha20.INT_LE.set(out, off + 8, (int) f);
        f = w3 + pad3 + (f >>> 32); ChaCha20.INT_LE.set(out, off + 12, (int) f);

        this.h0 = this.h1 = this.h2 = this.h3 = this.h4 = 0;
        this.r0 = this.r1 = this.r2 = this.r3 = this.r4 = 0;
        this.pad0 = this.pad1 = this.pad2 = this.pad3 = 0;
        java.util.Arrays.fill(last, (byte) 0);
    }
}
