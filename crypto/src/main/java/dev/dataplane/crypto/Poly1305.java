package dev.dataplane.crypto;

/**
 * Poly1305 (RFC 8439 section 2.5) on two 64-bit limbs plus a small third one: h = h0 + 2^64 h1 + 2^128 h2.
 * A block costs four 64x64→128 multiplications ({@link Math#unsignedMultiplyHigh} is one instruction on x86-64)
 * instead of the 25 products of a 26-bit-limb form. Longer runs of blocks take the fastest wide form this JVM
 * has ({@link Form}). Reusable and allocation-free: {@link #init} per message, then blocks, then
 * {@link #finish}.
 */
final class Poly1305 {
    static final int TAG_LEN = 16;
    private static final long CLAMP_LO = 0x0ffffffc0fffffffL;
    private static final long CLAMP_HI = 0x0ffffffc0ffffffcL;

    /** How runs of at least {@link #minLen} bytes are absorbed (shorter ones go block by block). */
    enum Form {
        /** Block by block on 64-bit limbs (this class). */
        SERIAL(Integer.MAX_VALUE, "serial"),
        /** Four blocks at a time in AVX2 lanes ({@link Poly1305Lanes}; needs the Vector API); its powers of r cost
         *  about three serial blocks, so it starts at 256 bytes. */
        LANES(256, "AVX2 lanes"),
        /** The JDK's AVX-512 IFMA stub ({@link JdkPoly1305Blocks}); 1.3x the serial loop at 32 bytes, 2.8x at 256. */
        JDK_STUB(32, "JDK IFMA stub");

        final int minLen;
        final String label;

        Form(int minLen, String label) {
            this.minLen = minLen;
            this.label = label;
        }

        /** The fastest form this JVM has. */
        static Form best() {
            if (JdkPoly1305Blocks.AVAILABLE) return JDK_STUB;
            return VectorSupport.PRESENT && Poly1305Lanes.AVAILABLE ? LANES : SERIAL;
        }

        boolean usable() {
            return switch (this) {
                case SERIAL -> true;
                case LANES -> VectorSupport.PRESENT && Poly1305Lanes.AVAILABLE;
                case JDK_STUB -> JdkPoly1305Blocks.REACHABLE;
            };
        }
    }

    /** r = r0 + 2^64 r1, clamped; s1 = r1 * 5/4, exact because clamping makes r1 a multiple of 4. */
    private long r0, r1, s1;
    /** The accumulator, kept below 2^130 + 2^64 between blocks (partially reduced). */
    private long h0, h1, h2;
    private long pad0, pad1;
    private final byte[] last = new byte[16];
    /** The form {@link #Poly1305()} takes. */
    static final Form BEST = Form.best();
    private final Form form;
    private Poly1305Lanes lanes;
    private JdkPoly1305Blocks stub;
    private final long[] acc = new long[3];

    Poly1305() {
        this(BEST);
    }

    /** {@code form}: how long messages are absorbed (tests pin each). */
    Poly1305(Form form) {
        if (!form.usable()) throw new IllegalStateException(form + " is not available in this JVM");
        this.form = form;
    }

    private static long le64(byte[] b, int off) {
        return (long) ChaCha20.LONG_LE.get(b, off);
    }

    /** Carry out of the top bit of {@code sum = a + b (+ a carry in)}: the majority of the three top bits. */
    static long carry(long a, long b, long sum) {
        return ((a & b) | ((a | b) & ~sum)) >>> 63;
    }

    private static final long M26 = 0x3ffffff;

    /**
     * Writes h = h0 + 2^64 h1 + 2^128 h2 as five 26-bit limbs (the top one takes the rest) to
     * out[off], out[off + stride], ... out[off + 4 stride]: the wide forms' representation.
     */
    static void toLimbs26(long h0, long h1, long h2, long[] out, int off, int stride) {
        out[off] = h0 & M26;
        out[off + stride] = (h0 >>> 26) & M26;
        out[off + 2 * stride] = ((h0 >>> 52) | (h1 << 12)) & M26;
        out[off + 3 * stride] = (h1 >>> 14) & M26;
        out[off + 4 * stride] = (h1 >>> 40) | (h2 << 24);
    }

    /**
     * The inverse: d0 + 2^26 d1 + ... + 2^104 d4 (limbs a few bits over 26 allowed) into acc = {h0, h1, h2},
     * carried, with 2^130 folded back as 5 so that h2 stays below 8 for the serial code.
     */
    static void fromLimbs26(long d0, long d1, long d2, long d3, long d4, long[] acc) {
        d1 += d0 >>> 26; d0 &= M26;
        d2 += d1 >>> 26; d1 &= M26;
        d3 += d2 >>> 26; d2 &= M26;
        d4 += d3 >>> 26; d3 &= M26;
        long h0 = d0 | (d1 << 26) | (d2 << 52);
        long h1 = (d2 >>> 12) | (d3 << 14) | (d4 << 40);
        long h2 = d4 >>> 24;
        long fold = (h2 >>> 2) * 5;
        long t0 = h0 + fold;
        long t1 = h1 + carry(h0, fold, t0);
        acc[0] = t0;
        acc[1] = t1;
        acc[2] = (h2 & 3) + ((h1 & ~t1) >>> 63);
    }

    /** Starts a message with the 32-byte one-time key {@code r || s}. */
    void init(byte[] key, int off) {
        r0 = le64(key, off) & CLAMP_LO;
        r1 = le64(key, off + 8) & CLAMP_HI;
        s1 = r1 + (r1 >>> 2);
        pad0 = le64(key, off + 16);
        pad1 = le64(key, off + 24);
        h0 = h1 = h2 = 0;
    }

    /** Absorbs len bytes, len a multiple of 16 (the AEAD construction pads everything to 16). */
    void blocks(byte[] m, int off, int len) {
        if (len >= form.minLen) {
            int wide = form == Form.LANES ? len & ~63 : len;
            wide(m, off, wide);
            off += wide;
            len -= wide;
        }
        if (len > 0) blocks(m, off, len, 1);
    }

    private void wide(byte[] m, int off, int len) {
        long[] a = acc;
        a[0] = h0; a[1] = h1; a[2] = h2;
        if (form == Form.LANES) {
            if (lanes == null) lanes = new Poly1305Lanes();
            lanes.blocks(a, r0, r1, m, off, len);
        } else {
            if (stub == null) stub = new JdkPoly1305Blocks();
            stub.blocks(a, r0, r1, m, off, len);
        }
        h0 = a[0]; h1 = a[1]; h2 = a[2];
    }

    private void blocks(byte[] m, int off, int len, long hibit) {
        final long r0 = this.r0, r1 = this.r1, s1 = this.s1;
        long h0 = this.h0, h1 = this.h1, h2 = this.h2;
        for (int end = off + len; off < end; off += 16) {
            // h += m + 2^128 hibit
            long m0 = le64(m, off), m1 = le64(m, off + 8);
            long t0 = h0 + m0;
            long c = carry(h0, m0, t0);
            long t1 = h1 + m1 + c;
            h2 += carry(h1, m1, t1) + hibit;
            h0 = t0;
            h1 = t1;

            // d = h * r, folding 2^128 back as 5/4 (2^130 = 5 mod p): d0 + 2^64 d1 + 2^128 d2
            long aLo = h0 * r0, aHi = Math.unsignedMultiplyHigh(h0, r0);
            long bLo = h1 * s1, bHi = Math.unsignedMultiplyHigh(h1, s1);
            long d0 = aLo + bLo;
            long d0Hi = aHi + bHi + carry(aLo, bLo, d0);

            long eLo = h0 * r1, eHi = Math.unsignedMultiplyHigh(h0, r1);
            long fLo = h1 * r0, fHi = Math.unsignedMultiplyHigh(h1, r0);
            long d1 = eLo + fLo;
            long d1Hi = eHi + fHi + carry(eLo, fLo, d1);
            long g = h2 * s1;                       // h2 < 8, s1 < 2^61: no overflow
            long u = d1 + g;
            d1Hi += carry(d1, g, u);
            d1 = u + d0Hi;
            d1Hi += carry(u, d0Hi, d1);
            long d2 = h2 * r0 + d1Hi;                // < 2^63 + 2^62

            // partial reduction: keep 130 bits, add 5 * (d >> 130) back at the bottom
            long fold = (d2 & ~3L) + (d2 >>> 2);
            h0 = d0 + fold;
            c = carry(d0, fold, h0);
            h1 = d1 + c;
            h2 = (d2 & 3) + ((d1 & ~h1) >>> 63);
        }
        this.h0 = h0; this.h1 = h1; this.h2 = h2;
    }

    /** Absorbs len (< 16) bytes followed by zeros, as one full block: the AEAD's pad16. */
    void blockZeroPadded(byte[] m, int off, int len) {
        if (len == 0) return;
        System.arraycopy(m, off, last, 0, len);
        java.util.Arrays.fill(last, len, 16, (byte) 0);
        blocks(last, 0, 16, 1);
    }

    /** Absorbs the AEAD length block: aadLen and ctLen as little-endian 64-bit values. */
    void lengths(long aadLen, long ctLen) {
        ChaCha20.LONG_LE.set(last, 0, aadLen);
        ChaCha20.LONG_LE.set(last, 8, ctLen);
        blocks(last, 0, 16, 1);
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
        long h0 = this.h0, h1 = this.h1, h2 = this.h2;
        // h < 2p, so one conditional subtraction of p = 2^130 - 5 reduces it: h >= p exactly when h + 5 >= 2^130
        long g0 = h0 + 5;
        long c = carry(h0, 5, g0);
        long g1 = h1 + c;
        long g2 = h2 + ((h1 & ~g1) >>> 63);
        long useG = -(g2 >>> 2);                     // all ones when h >= p (g2 < 8, so g2 >>> 2 is 0 or 1)
        h0 = (h0 & ~useG) | (g0 & useG);
        h1 = (h1 & ~useG) | (g1 & useG);

        // tag = (h + s) mod 2^128
        long t0 = h0 + pad0;
        long t1 = h1 + pad1 + carry(h0, pad0, t0);
        ChaCha20.LONG_LE.set(out, off, t0);
        ChaCha20.LONG_LE.set(out, off + 8, t1);

        this.h0 = this.h1 = this.h2 = 0;
        this.r0 = this.r1 = this.s1 = 0;
        this.pad0 = this.pad1 = 0;
        java.util.Arrays.fill(last, (byte) 0);
    }
}
