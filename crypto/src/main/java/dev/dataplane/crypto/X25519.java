package dev.dataplane.crypto;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * X25519 (RFC 7748): the Montgomery ladder over {@link Field25519}, constant-time in the scalar.
 * Our own arithmetic rather than the JDK's XDH KeyAgreement: it measured faster (docs/crypto.md) and needs no
 * key objects or BigInteger conversions.
 */
public final class X25519 {
    public static final int KEY_LEN = 32;
    private static final byte[] BASE_POINT = new byte[KEY_LEN];
    private static final SecureRandom RANDOM = new SecureRandom();

    static {
        BASE_POINT[0] = 9;
    }

    private X25519() {}

    /** 32 random bytes, clamped as RFC 7748 section 5 describes. */
    public static byte[] generatePrivateKey() {
        byte[] k = new byte[KEY_LEN];
        RANDOM.nextBytes(k);
        clamp(k);
        return k;
    }

    public static byte[] publicKey(byte[] privateKey) {
        byte[] out = new byte[KEY_LEN];
        scalarMult(privateKey, BASE_POINT, out);
        return out;
    }

    /** out32 = X25519(privateKey, publicKey); false if that is all zero (publicKey was a low-order point). */
    public static boolean sharedSecret(byte[] privateKey, byte[] publicKey, byte[] out32) {
        scalarMult(privateKey, publicKey, out32);
        int acc = 0;
        for (int i = 0; i < KEY_LEN; i++) acc |= out32[i];
        return acc != 0;
    }

    static void clamp(byte[] k) {
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
    }

    /** The X25519 function itself: clamps a copy of the scalar, masks the top bit of u. */
    static void scalarMult(byte[] scalar, byte[] u, byte[] out) {
        if (scalar.length != KEY_LEN || u.length != KEY_LEN || out.length < KEY_LEN) {
            throw new IllegalArgumentException("X25519 keys are 32 bytes");
        }
        byte[] k = scalar.clone();
        clamp(k);
        Field25519 f = new Field25519();
        long[] x1 = Field25519.element(), x2 = Field25519.element(), z2 = Field25519.element();
        long[] x3 = Field25519.element(), z3 = Field25519.element();
        long[] a = Field25519.element(), aa = Field25519.element(), b = Field25519.element();
        long[] bb = Field25519.element(), e = Field25519.element(), c = Field25519.element();
        long[] d = Field25519.element(), da = Field25519.element(), cb = Field25519.element();
        Field25519.fromBytes(x1, u);
        Field25519.set(x2, 1);
        Field25519.copy(x3, x1);
        Field25519.set(z3, 1);
        int swap = 0;
        for (int t = 254; t >= 0; t--) {
            int bit = (k[t >>> 3] >>> (t & 7)) & 1;
            swap ^= bit;
            Field25519.cswap(x2, x3, swap);
            Field25519.cswap(z2, z3, swap);
            swap = bit;
            // RFC 7748 section 5 ladder step
            Field25519.add(a, x2, z2);
            f.square(aa, a);
            Field25519.sub(b, x2, z2);
            f.square(bb, b);
            Field25519.sub(e, aa, bb);
            Field25519.add(c, x3, z3);
            Field25519.sub(d, x3, z3);
            f.mul(da, d, a);
            f.mul(cb, c, b);
            Field25519.add(x3, da, cb);
            f.square(x3, x3);
            Field25519.sub(z3, da, cb);
            f.square(z3, z3);
            f.mul(z3, z3, x1);
            f.mul(x2, aa, bb);
            Field25519.mul121665(z2, e);
            Field25519.add(z2, z2, aa);
            f.mul(z2, z2, e);
        }
        Field25519.cswap(x2, x3, swap);
        Field25519.cswap(z2, z3, swap);
        f.invert(z2, z2);
        f.mul(x2, x2, z2);
        f.toBytes(out, x2);
        Arrays.fill(k, (byte) 0);
        for (long[] v : new long[][] {x2, z2, x3, z3, a, aa, b, bb, e, c, d, da, cb}) Arrays.fill(v, 0);
    }
}
