package dev.dataplane.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * No published HMAC-BLAKE2s or WireGuard KDF vectors exist, so these tests pin the structure instead: HMAC is
 * RFC 2104 over BLAKE2s (itself pinned to RFC 7693 and the official KAT), and KDF_n follows the WireGuard paper.
 */
class HkdfTest {
    private static final byte[] KEY = Hex.bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] MSG = "The quick brown fox".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static byte[] xorPad(byte[] key, int pad) {
        byte[] out = new byte[64];
        for (int i = 0; i < 64; i++) out[i] = (byte) ((i < key.length ? key[i] : 0) ^ pad);
        return out;
    }

    @Test
    void hmacIsRfc2104OverBlake2sWithA64ByteBlock() {
        byte[] inner = Blake2s.hash(xorPad(KEY, 0x36), MSG);
        byte[] expected = Blake2s.hash(xorPad(KEY, 0x5c), inner);
        assertArrayEquals(expected, Hkdf.hmac(KEY, MSG));
    }

    @Test
    void hmacKeysLongerThanABlockAreHashedFirst() {
        byte[] longKey = new byte[100];
        for (int i = 0; i < longKey.length; i++) longKey[i] = (byte) (i * 3);
        assertArrayEquals(Hkdf.hmac(Blake2s.hash(longKey), MSG), Hkdf.hmac(longKey, MSG));
        byte[] blockKey = new byte[64];
        blockKey[63] = 1; // exactly a block: used as is
        byte[] inner = Blake2s.hash(xorPad(blockKey, 0x36), MSG);
        assertArrayEquals(Blake2s.hash(xorPad(blockKey, 0x5c), inner), Hkdf.hmac(blockKey, MSG));
    }

    @Test
    void hmacDataPartsAreConcatenated() {
        byte[] a = {1, 2, 3}, b = {4, 5};
        assertArrayEquals(Hkdf.hmac(KEY, new byte[] {1, 2, 3, 4, 5}), Hkdf.hmac(KEY, a, b));
        assertEquals(32, Hkdf.hmac(KEY).length);
    }

    @Test
    void kdfFollowsTheWireGuardPaper() {
        byte[] t0 = Hkdf.hmac(KEY, MSG);
        byte[] t1 = Hkdf.hmac(t0, new byte[] {1});
        byte[] t2 = Hkdf.hmac(t0, t1, new byte[] {2});
        byte[] t3 = Hkdf.hmac(t0, t2, new byte[] {3});
        byte[][] k3 = Hkdf.kdf(3, KEY, MSG);
        assertEquals(3, k3.length);
        assertArrayEquals(t1, k3[0]);
        assertArrayEquals(t2, k3[1]);
        assertArrayEquals(t3, k3[2]);
        byte[][] k2 = Hkdf.kdf(2, KEY, MSG);
        assertArrayEquals(t1, k2[0]);
        assertArrayEquals(t2, k2[1]);
        byte[][] k1 = Hkdf.kdf(1, KEY, MSG);
        assertEquals(1, k1.length);
        assertArrayEquals(t1, k1[0]);
        // the empty input, as WireGuard's final transport-key derivation uses
        assertArrayEquals(Hkdf.hmac(Hkdf.hmac(KEY, new byte[0]), new byte[] {1}), Hkdf.kdf(2, KEY, new byte[0])[0]);
    }

    @Test
    void kdfRejectsOutOfRangeN() {
        assertThrows(IllegalArgumentException.class, () -> Hkdf.kdf(0, KEY, MSG));
        assertThrows(IllegalArgumentException.class, () -> Hkdf.kdf(4, KEY, MSG));
    }
}
