package dev.dataplane.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Vectors from RFC 7748, sections 5.2 and 6.1. */
class X25519Test {

    private static byte[] x25519(byte[] k, byte[] u) {
        byte[] out = new byte[32];
        X25519.scalarMult(k, u, out);
        return out;
    }

    @Test
    void rfc7748Section52FirstVector() {
        byte[] k = Hex.bytes("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] u = Hex.bytes("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", Hex.of(x25519(k, u)));
    }

    @Test
    void rfc7748Section52SecondVector() {
        // u has its top bit set: it must be masked off, and the non-canonical value handled
        byte[] k = Hex.bytes("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d");
        byte[] u = Hex.bytes("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493");
        assertEquals("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957", Hex.of(x25519(k, u)));
    }

    @Test
    void rfc7748Section52IteratedOnceAndThousandTimes() {
        byte[] k = new byte[32];
        k[0] = 9;
        byte[] u = k.clone();
        for (int i = 1; i <= 1000; i++) {
            byte[] next = x25519(k, u);
            u = k;
            k = next;
            if (i == 1) {
                assertEquals("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", Hex.of(k));
            }
        }
        assertEquals("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", Hex.of(k));
    }

    @Test
    void rfc7748Section61DiffieHellman() {
        byte[] alicePriv = Hex.bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPriv = Hex.bytes("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] alicePub = X25519.publicKey(alicePriv);
        byte[] bobPub = X25519.publicKey(bobPriv);
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Hex.of(alicePub));
        assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Hex.of(bobPub));

        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        byte[] a = new byte[32], b = new byte[32];
        assertTrue(X25519.sharedSecret(alicePriv, bobPub, a));
        assertTrue(X25519.sharedSecret(bobPriv, alicePub, b));
        assertEquals(shared, Hex.of(a));
        assertEquals(shared, Hex.of(b));
    }

    @Test
    void lowOrderPointGivesFalse() {
        byte[] priv = Hex.bytes("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] out = new byte[32];
        assertFalse(X25519.sharedSecret(priv, new byte[32], out)); // u = 0 has order 1
        byte[] one = new byte[32];
        one[0] = 1;                                                // u = 1 has order 4
        assertFalse(X25519.sharedSecret(priv, one, out));
        assertArrayEquals(new byte[32], out);
    }

    @Test
    void generatedKeysAreClampedAndAgree() {
        byte[] a = X25519.generatePrivateKey(), b = X25519.generatePrivateKey();
        assertEquals(0, a[0] & 7);
        assertEquals(0x40, a[31] & 0xc0);
        byte[] ab = new byte[32], ba = new byte[32];
        assertTrue(X25519.sharedSecret(a, X25519.publicKey(b), ab));
        assertTrue(X25519.sharedSecret(b, X25519.publicKey(a), ba));
        assertArrayEquals(ab, ba);
    }
}
