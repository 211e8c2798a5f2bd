package dev.dataplane.crypto;

import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.junit.jupiter.api.Test;

import javax.crypto.KeyAgreement;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * X25519 against the JDK's XDH and BLAKE2s (plain and keyed, every output length) against BouncyCastle's
 * Blake2sDigest, on seeded random inputs, including odd lengths around the 64-byte block.
 */
class DifferentialPrimitivesTest {
    @Test
    void x25519MatchesTheJdk() throws Exception {
        SplittableRandom rnd = new SplittableRandom(25519);
        KeyFactory kf = KeyFactory.getInstance("XDH");
        for (int i = 0; i < 300; i++) {
            byte[] scalar = new byte[32];
            byte[] peer = new byte[32];
            rnd.nextBytes(scalar);
            if (i % 3 == 0) peer = X25519.publicKey(X25519.generatePrivateKey());   // a real public key
            else rnd.nextBytes(peer);                                              // any 32 bytes, top bit too
            if (i % 50 == 1) Arrays.fill(peer, 1, 32, (byte) 0xff);                // u at or above p: reduced
            byte[] ours = new byte[32];
            boolean ok = X25519.sharedSecret(scalar, peer, ours);

            PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
            PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, littleEndianU(peer)));
            KeyAgreement ka = KeyAgreement.getInstance("XDH");
            ka.init(priv);
            ka.doPhase(pub, true);
            byte[] jdk;
            try {
                jdk = ka.generateSecret();
            } catch (IllegalStateException smallOrder) {
                jdk = new byte[32];   // the JDK refuses an all-zero result, as our sharedSecret reports it
            }
            assertArrayEquals(jdk, ours, "case " + i);
            assertTrue(ok == !Arrays.equals(jdk, new byte[32]), "all-zero results are reported, case " + i);
        }
    }

    /** RFC 7748's decoding: little-endian, top bit ignored. */
    private static BigInteger littleEndianU(byte[] u) {
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) be[i] = u[31 - i];
        be[0] &= 0x7f;
        return new BigInteger(1, be);
    }

    @Test
    void blake2sMatchesBouncyCastle() {
        SplittableRandom rnd = new SplittableRandom(7693);
        for (int i = 0; i < 2000; i++) {
            int len = i < 300 ? i : rnd.nextInt(5000);
            byte[] msg = new byte[len];
            rnd.nextBytes(msg);
            int outLen = 1 + rnd.nextInt(32);
            byte[] key = new byte[i % 4 == 0 ? 0 : 1 + rnd.nextInt(32)];
            rnd.nextBytes(key);
            // our multi-part API: the message in up to three pieces
            int a = len == 0 ? 0 : rnd.nextInt(len + 1), b = a + (len - a == 0 ? 0 : rnd.nextInt(len - a + 1));
            byte[][] parts = {Arrays.copyOfRange(msg, 0, a), Arrays.copyOfRange(msg, a, b), Arrays.copyOfRange(msg, b, len)};
            byte[] ours = key.length == 0 && outLen == 32 ? Blake2s.hash(parts) : Blake2s.mac(outLen, key, parts);

            Blake2sDigest bc = new Blake2sDigest(key.length == 0 ? null : key, outLen, null, null);
            bc.update(msg, 0, len);
            byte[] expected = new byte[outLen];
            bc.doFinal(expected, 0);
            assertArrayEquals(expected, ours, "case " + i + ": " + len + " bytes, key " + key.length + ", out " + outLen);
        }
    }
}
