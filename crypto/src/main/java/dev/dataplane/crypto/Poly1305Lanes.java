package dev.dataplane.crypto;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Poly1305 four blocks at a time in the four 64-bit lanes of an AVX2 register, with 26-bit limbs so that every
 * product of two limbs fits a lane and is one {@code vpmuludq}. Each lane takes every fourth block and is
 * multiplied by r^4 after each; in the last group the lanes are multiplied by r^4, r^3, r^2 and r instead, so
 * that their sum is the serial evaluation. Used by {@link Poly1305} for long messages when the JVM has the
 * incubating Vector API ({@code --add-modules jdk.incubator.vector}). One instance per {@link Poly1305};
 * allocation-free once compiled.
 */
final class Poly1305Lanes {
    static final boolean AVAILABLE = VectorSupport.PRESENT && LongVector.SPECIES_PREFERRED.vectorBitSize() >= 256;

    private static final VectorSpecies<Long> S = LongVector.SPECIES_256;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_256;
    private static final long M26 = 0x3ffffff;
    /** Operands masked with this before a multiply are known to C2 to fit 32 bits: one vpmuludq, not three. */
    private static final long M32 = 0xffffffffL;
    private static final VectorShuffle<Long> SWAP_PAIRS = VectorShuffle.fromValues(S, 1, 0, 3, 2);
    private static final VectorMask<Long> ODD = VectorMask.fromValues(S, false, true, false, true);
    /** The loads below leave block b of a group in lane LANE_OF_BLOCK[b]... and lane j holds block {0,2,1,3}[j]. */
    private static final int[] BLOCK_OF_LANE = {0, 2, 1, 3};

    /** Multipliers, limb i of lane j at [4i + j], then 5x limbs 1..4 at [20 + 4(i-1) + j]: r^4 in every lane... */
    private final long[] steady = new long[36];
    /** ... and for the last group, lane j gets r^(4 - block). */
    private final long[] last = new long[36];
    /** r^1..r^4 in 26-bit limbs: limb i of r^k at [5(k - 1) + i]. */
    private final long[] pow = new long[20];
    /** The accumulator's limbs per lane, in and out of the vector loop, [4i + j]. */
    private final long[] lanes = new long[20];

    /**
     * Absorbs m[off, off + len), len a positive multiple of 64, into acc = {h0, h1, h2} (the 64-bit-limb form of
     * {@link Poly1305}, read and written back), with r = r0 + 2^64 r1, every block with its 2^128 bit.
     */
    void blocks(long[] acc, long r0, long r1, byte[] m, int off, int len) {
        powers(r0, r1);
        long[] l = lanes;
        java.util.Arrays.fill(l, 0);
        Poly1305.toLimbs26(acc[0], acc[1], acc[2], l, 0, 4);   // joins lane 0, block 0 of the first group
        absorb(m, off, len);
        // the lanes' sum (each limb below 2^61), carried into l[0..5)
        carry(l[0] + l[1] + l[2] + l[3], l[4] + l[5] + l[6] + l[7], l[8] + l[9] + l[10] + l[11],
                l[12] + l[13] + l[14] + l[15], l[16] + l[17] + l[18] + l[19], l, 0);
        Poly1305.fromLimbs26(l[0], l[1], l[2], l[3], l[4], acc);
    }

    /** The vector loop: lanes = (lanes + group) * multiplier, group by group; per-lane results back in lanes. */
    private void absorb(byte[] m, int off, int len) {
        long[] l = lanes;
        LongVector a0 = LongVector.fromArray(S, l, 0), a1 = LongVector.fromArray(S, l, 4), a2 = LongVector.fromArray(S, l, 8),
                a3 = LongVector.fromArray(S, l, 12), a4 = LongVector.fromArray(S, l, 16);
        int end = off + len;
        for (; off < end; off += 64) {
            // x = [a0 a1 b0 b1], y = [c0 c1 d0 d1] (blocks a..d, 64-bit halves) -> lo = [a0 c0 b0 d0], hi = [a1 c1 b1 d1]
            LongVector x = ByteVector.fromArray(B, m, off).reinterpretAsLongs();
            LongVector y = ByteVector.fromArray(B, m, off + 32).reinterpretAsLongs();
            LongVector lo = x.blend(y.rearrange(SWAP_PAIRS), ODD), hi = x.rearrange(SWAP_PAIRS).blend(y, ODD);
            a0 = a0.add(lo.and(M26)).and(M32);
            a1 = a1.add(lo.lanewise(VectorOperators.LSHR, 26).and(M26)).and(M32);
            a2 = a2.add(lo.lanewise(VectorOperators.LSHR, 52).or(hi.lanewise(VectorOperators.LSHL, 12)).and(M26)).and(M32);
            a3 = a3.add(hi.lanewise(VectorOperators.LSHR, 14).and(M26)).and(M32);
            a4 = a4.add(hi.lanewise(VectorOperators.LSHR, 40).or(1L << 24)).and(M32);

            // multipliers masked to 32 bits like the accumulators: C2 then knows each product is one vpmuludq
            // (with only one operand masked it emits the three-multiply 64-bit form: 900 instead of 600 ns per 1408 B).
            // Loaded and masked in every group: held in registers across the loop, C2 lost sight of the masks.
            long[] k = off + 64 < end ? steady : last;
            LongVector r0 = LongVector.fromArray(S, k, 0).and(M32), r1 = LongVector.fromArray(S, k, 4).and(M32),
                    r2 = LongVector.fromArray(S, k, 8).and(M32), r3 = LongVector.fromArray(S, k, 12).and(M32),
                    r4 = LongVector.fromArray(S, k, 16).and(M32);
            LongVector s1 = LongVector.fromArray(S, k, 20).and(M32), s2 = LongVector.fromArray(S, k, 24).and(M32),
                    s3 = LongVector.fromArray(S, k, 28).and(M32), s4 = LongVector.fromArray(S, k, 32).and(M32);
            // The loop is bound by the latency from one group's accumulator to the next, so the sums are trees and
            // the carries run as two interleaved chains (d3 -> d4 -> d0 -> d1 and d0 -> d1 -> d2 -> d3), leaving
            // d1 and d4 a few bits over 26, which the next products still hold (each sum stays below 2^61).
            LongVector d0 = a0.mul(r0).add(a1.mul(s4)).add(a2.mul(s3).add(a3.mul(s2))).add(a4.mul(s1));
            LongVector d1 = a0.mul(r1).add(a1.mul(r0)).add(a2.mul(s4).add(a3.mul(s3))).add(a4.mul(s2));
            LongVector d2 = a0.mul(r2).add(a1.mul(r1)).add(a2.mul(r0).add(a3.mul(s4))).add(a4.mul(s3));
            LongVector d3 = a0.mul(r3).add(a1.mul(r2)).add(a2.mul(r1).add(a3.mul(r0))).add(a4.mul(s4));
            LongVector d4 = a0.mul(r4).add(a1.mul(r3)).add(a2.mul(r2).add(a3.mul(r1))).add(a4.mul(r0));
            LongVector c = d3.lanewise(VectorOperators.LSHR, 26), e = d0.lanewise(VectorOperators.LSHR, 26);
            d3 = d3.and(M26); d4 = d4.add(c); d0 = d0.and(M26); d1 = d1.add(e);
            c = d4.lanewise(VectorOperators.LSHR, 26); e = d1.lanewise(VectorOperators.LSHR, 26);
            d4 = d4.and(M26); d0 = d0.add(c.lanewise(VectorOperators.LSHL, 2).add(c)); d1 = d1.and(M26); d2 = d2.add(e);
            c = d0.lanewise(VectorOperators.LSHR, 26); e = d2.lanewise(VectorOperators.LSHR, 26);
            a0 = d0.and(M26); a1 = d1.add(c); a2 = d2.and(M26); d3 = d3.add(e);
            c = d3.lanewise(VectorOperators.LSHR, 26);
            a3 = d3.and(M26); a4 = d4.add(c);
        }
        a0.intoArray(l, 0); a1.intoArray(l, 4); a2.intoArray(l, 8); a3.intoArray(l, 12); a4.intoArray(l, 16);
    }

    /** r..r^4, fully carried, and the two multiplier tables. */
    private void powers(long r0, long r1) {
        long[] p = pow;
        Poly1305.toLimbs26(r0, r1, 0, p, 0, 1);
        multiply(p, 0, p, 0, p, 5);    // r^2
        multiply(p, 5, p, 0, p, 10);   // r^3
        multiply(p, 5, p, 5, p, 15);   // r^4
        for (int j = 0; j < 4; j++) {
            int k = 5 * (3 - BLOCK_OF_LANE[j]);   // block b of the last group: r^(4 - b)
            for (int i = 0; i < 5; i++) {
                steady[4 * i + j] = p[15 + i];
                last[4 * i + j] = p[k + i];
                if (i > 0) {
                    steady[20 + 4 * (i - 1) + j] = 5 * p[15 + i];
                    last[20 + 4 * (i - 1) + j] = 5 * p[k + i];
                }
            }
        }
    }

    /** out[o..o+5) = a * b mod 2^130 - 5 in 26-bit limbs, carried. */
    private static void multiply(long[] a, int ao, long[] b, int bo, long[] out, int o) {
        long a0 = a[ao], a1 = a[ao + 1], a2 = a[ao + 2], a3 = a[ao + 3], a4 = a[ao + 4];
        long b0 = b[bo], b1 = b[bo + 1], b2 = b[bo + 2], b3 = b[bo + 3], b4 = b[bo + 4];
        long s1 = 5 * b1, s2 = 5 * b2, s3 = 5 * b3, s4 = 5 * b4;
        long d0 = a0 * b0 + a1 * s4 + a2 * s3 + a3 * s2 + a4 * s1;
        long d1 = a0 * b1 + a1 * b0 + a2 * s4 + a3 * s3 + a4 * s2;
        long d2 = a0 * b2 + a1 * b1 + a2 * b0 + a3 * s4 + a4 * s3;
        long d3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + a4 * s4;
        long d4 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;
        carry(d0, d1, d2, d3, d4, out, o);
    }

    /** Carries d0..d4 (26-bit limbs, each below 2^63) to limbs of 26 bits (d1 one bit more), folding 2^130 as 5. */
    private static void carry(long d0, long d1, long d2, long d3, long d4, long[] out, int o) {
        long c = d0 >>> 26; d0 &= M26;
        d1 += c; c = d1 >>> 26; d1 &= M26;
        d2 += c; c = d2 >>> 26; d2 &= M26;
        d3 += c; c = d3 >>> 26; d3 &= M26;
        d4 += c; c = d4 >>> 26; d4 &= M26;
        d0 += c * 5; c = d0 >>> 26; d0 &= M26;
        d1 += c;
        out[o] = d0; out[o + 1] = d1; out[o + 2] = d2; out[o + 3] = d3; out[o + 4] = d4;
    }
}
