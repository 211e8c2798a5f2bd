package dev.dataplane.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** AEAD vectors from RFC 8439 section 2.8.2 and appendix A.5. */
class ChaChaPolyTest {

    // RFC 8439 section 2.8.2
    static final byte[] KEY_282 = Hex.bytes("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    static final byte[] NONCE_282 = Hex.bytes("070000004041424344454647");
    static final byte[] AAD_282 = Hex.bytes("50515253c0c1c2c3c4c5c6c7");
    static final byte[] PT_282 = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for "
            + "the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    static final String CT_282 = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
            + "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
            + "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
            + "3ff4def08e4b7a9de576d26586cec64b6116";
    static final String TAG_282 = "1ae10b594f09e26a7e902ecbd0600691";

    // RFC 8439 appendix A.5; its nonce 00000000 0102030405060708 is WireGuard's form for counter 0x0807060504030201
    static final byte[] KEY_A5 = Hex.bytes("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
    static final long COUNTER_A5 = 0x0807060504030201L;
    static final byte[] AAD_A5 = Hex.bytes("f33388860000000000004e91");
    static final byte[] CT_A5 = Hex.bytes(
            "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2"
            + "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf"
            + "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855"
            + "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4"
            + "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e"
            + "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a"
            + "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10"
            + "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29"
            + "a6ad5cb4022b02709b");
    static final byte[] TAG_A5 = Hex.bytes("eead9d67890cbb22392336fea1851f38");
    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The build's test JVM has the launcher's flags, so the start-up line must name the fast forms, not fallbacks. */
    @Test
    void implementationNamesTheFastFormsUnderTheLaunchersFlags() {
        assumeTrue(Boolean.getBoolean("dataplane.crypto.expectJdkBlocks"), "run outside the build's JVM flags");
        String line = ChaChaPoly.implementation();
        assertTrue(line.startsWith("ChaCha20 JDK stub, Poly1305 "), line);
        assertTrue(line.endsWith("JDK IFMA stub") || line.endsWith("AVX2 lanes"), line);
    }

    @Test
    void rfc8439Section282Seal() {
        byte[] out = ChaChaPoly.seal(KEY_282, NONCE_282, PT_282, AAD_282);
        assertEquals(CT_282 + TAG_282, Hex.of(out));
    }

    @Test
    void rfc8439Section282Open() {
        byte[] in = Hex.bytes(CT_282 + TAG_282);
        assertArrayEquals(PT_282, ChaChaPoly.open(KEY_282, NONCE_282, in, AAD_282));
    }

    @Test
    void rfc8439AppendixA5DecryptsThroughTheWireGuardNonce() {
        byte[] pt = ChaChaPoly.open(KEY_A5, COUNTER_A5, concat(CT_A5, TAG_A5), AAD_A5);
        assertArrayEquals(PT_A5, pt);
        assertEquals(Hex.of(concat(CT_A5, TAG_A5)), Hex.of(ChaChaPoly.seal(KEY_A5, COUNTER_A5, pt, AAD_A5)));
    }

    // RFC 8439 appendix A.5, the decrypted plaintext
    static final byte[] PT_A5 = Hex.bytes(
            "496e7465726e65742d4472616674732061726520647261667420646f63756d65"
            + "6e74732076616c696420666f722061206d6178696d756d206f6620736978206d"
            + "6f6e74687320616e64206d617920626520757064617465642c207265706c6163"
            + "65642c206f72206f62736f6c65746564206279206f7468657220646f63756d65"
            + "6e747320617420616e792074696d652e20497420697320696e617070726f7072"
            + "6961746520746f2075736520496e7465726e65742d4472616674732061732072"
            + "65666572656e6365206d6174657269616c206f7220746f206369746520746865"
            + "6d206f74686572207468616e206173202fe2809c776f726b20696e2070726f67"
            + "726573732e2fe2809d");

    @Test
    void tamperedTagCiphertextOrAadFails() {
        byte[] good = Hex.bytes(CT_282 + TAG_282);
        for (int i : new int[] {0, 57, good.length - 17, good.length - 16, good.length - 1}) {
            byte[] bad = good.clone();
            bad[i] ^= 1;
            assertNull(ChaChaPoly.open(KEY_282, NONCE_282, bad, AAD_282), "flipped byte " + i);
        }
        byte[] badAad = AAD_282.clone();
        badAad[3] ^= (byte) 0x80;
        assertNull(ChaChaPoly.open(KEY_282, NONCE_282, good, badAad));
        assertNull(ChaChaPoly.open(KEY_282, NONCE_282, good, null));
        byte[] otherNonce = NONCE_282.clone();
        otherNonce[11] ^= 1;
        assertNull(ChaChaPoly.open(KEY_282, otherNonce, good, AAD_282));
        assertNull(ChaChaPoly.open(KEY_A5, COUNTER_A5 + 1, concat(CT_A5, TAG_A5), AAD_A5));
    }

    @Test
    void malformedInputNeverThrows() {
        assertNull(ChaChaPoly.open(KEY_A5, 0, new byte[15], null));
        assertNull(ChaChaPoly.open(KEY_A5, 0, null, null));
        assertNull(ChaChaPoly.open(new byte[31], 0, new byte[32], null));
        assertNull(ChaChaPoly.open(null, 0, new byte[32], null));
    }

    @Test
    void instanceApiMatchesTheStaticFormOnDirectBuffers() {
        ChaChaPoly aead = new ChaChaPoly();
        AeadKey key = new AeadKey(KEY_A5);
        ByteBuffer buf = ByteBuffer.allocateDirect(20_000);
        for (int len : new int[] {0, 1, 15, 16, 17, 63, 64, 65, 265, 1420, 8192, 9000}) {
            byte[] pt = new byte[len];
            for (int i = 0; i < len; i++) pt[i] = (byte) (i * 7 + len);
            long counter = 1000L + len;
            int off = 32;
            buf.put(off, pt);
            assertEquals(len + 16, aead.seal(key, counter, buf, off, len));
            byte[] sealed = new byte[len + 16];
            buf.get(off, sealed);
            // the static path is pinned to RFC vectors above; both paths must agree (empty AAD)
            assertArrayEquals(ChaChaPoly.seal(KEY_A5, counter, pt, null), sealed, "len " + len);
            assertEquals(len, aead.open(key, counter, buf, off, len + 16));
            byte[] opened = new byte[len];
            buf.get(off, opened);
            assertArrayEquals(pt, opened);
        }
    }

    @Test
    void instanceOpenRejectsTamperingAndShortInput() {
        ChaChaPoly aead = new ChaChaPoly();
        AeadKey key = new AeadKey(KEY_282);
        ByteBuffer buf = ByteBuffer.allocateDirect(256);
        buf.put(0, PT_282);
        int n = aead.seal(key, 7, buf, 0, PT_282.length);
        byte[] sealed = new byte[n];
        buf.get(0, sealed);
        assertEquals(-1, aead.open(key, 8, buf, 0, n));      // wrong counter
        buf.put(5, (byte) (buf.get(5) ^ 4));
        assertEquals(-1, aead.open(key, 7, buf, 0, n));      // flipped ciphertext bit
        byte[] after = new byte[n];
        buf.get(0, after);
        after[5] ^= 4;
        assertArrayEquals(sealed, after, "a failed open leaves the buffer as it was");
        assertEquals(-1, aead.open(key, 7, buf, 0, 15));
        buf.put(0, sealed);
        assertEquals(PT_282.length, aead.open(key, 7, buf, 0, n));
    }

    @Test
    void destroyedKeyNoLongerSeals() {
        ChaChaPoly aead = new ChaChaPoly();
        AeadKey key = new AeadKey(KEY_282);
        ByteBuffer buf = ByteBuffer.allocateDirect(64);
        for (int i = 0; i < 10; i++) buf.put(i, (byte) i);
        key.destroy();
        assertEquals(-1, aead.seal(key, 1, buf, 0, 10), "no packet goes out under the all-zero key");
        for (int i = 0; i < 10; i++) assertEquals((byte) i, buf.get(i), "buffer untouched");
    }

    @Test
    void destroyedKeyNoLongerOpens() {
        ChaChaPoly aead = new ChaChaPoly();
        AeadKey key = new AeadKey(KEY_282);
        ByteBuffer buf = ByteBuffer.allocateDirect(64);
        int n = aead.seal(key, 1, buf, 0, 10);
        key.destroy();
        assertEquals(-1, aead.open(key, 1, buf, 0, n));
    }
}
