package dev.dataplane.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Vectors from draft-irtf-cfrg-xchacha-03, section 2.2.1 and appendix A.3.1. */
class XChaCha20Poly1305Test {

    @Test
    void hchacha20Section221() {
        byte[] key = Hex.bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] nonce = Hex.bytes("000000090000004a0000000031415927");
        byte[] out = new byte[32];
        XChaCha20Poly1305.hchacha20(key, nonce, out);
        assertEquals("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc", Hex.of(out));
    }

    static final byte[] KEY = Hex.bytes("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    static final byte[] NONCE = Hex.bytes("404142434445464748494a4b4c4d4e4f5051525354555657");
    static final byte[] AAD = Hex.bytes("50515253c0c1c2c3c4c5c6c7");
    static final byte[] PT = Hex.bytes(
            "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
            + "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
            + "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
            + "637265656e20776f756c642062652069742e");
    static final String CT = "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
            + "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
            + "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
            + "21f9664c97637da9768812f615c68b13b52e";
    static final String TAG = "c0875924c1c7987947deafd8780acf49";

    @Test
    void aeadAppendixA31() {
        assertEquals(CT + TAG, Hex.of(XChaCha20Poly1305.seal(KEY, NONCE, PT, AAD)));
        assertArrayEquals(PT, XChaCha20Poly1305.open(KEY, NONCE, Hex.bytes(CT + TAG), AAD));
    }

    @Test
    void tamperingOrMalformedInputGivesNull() {
        byte[] good = Hex.bytes(CT + TAG);
        byte[] bad = good.clone();
        bad[bad.length - 1] ^= 1;
        assertNull(XChaCha20Poly1305.open(KEY, NONCE, bad, AAD));
        byte[] nonce = NONCE.clone();
        nonce[3] ^= 1; // in the HChaCha20 half
        assertNull(XChaCha20Poly1305.open(KEY, nonce, good, AAD));
        nonce = NONCE.clone();
        nonce[20] ^= 1; // in the ChaCha20 half
        assertNull(XChaCha20Poly1305.open(KEY, nonce, good, AAD));
        assertNull(XChaCha20Poly1305.open(KEY, NONCE, good, new byte[0]));
        assertNull(XChaCha20Poly1305.open(KEY, new byte[12], good, AAD));
        assertNull(XChaCha20Poly1305.open(new byte[16], NONCE, good, AAD));
        assertNull(XChaCha20Poly1305.open(KEY, NONCE, new byte[3], AAD));
    }
}
