package dev.dataplane.crypto.esp;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 7634 appendix A: the ESP example of ChaCha20-Poly1305 (SPI 0x01020304, sequence number 5, no ESN). */
class EspAeadVectorTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static final byte[] KEYMAT = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3");
    static final byte[] IV = hex("1011121314151617");
    static final byte[] AAD = hex("0102030400000005");
    static final byte[] PLAINTEXT = hex("45000054a6f200004001e778c6336405c000020508005b7a3a080000553bec100007362708090a0b0c0d0e"
            + "0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363701020204");
    static final byte[] SEALED = hex("24039428b97f417e3c13753a4f05087b67c352e6a7fab1b982d466ef407ae5c614ee8099d52844eb61aa95df"
            + "ab4c02f72aa71e7c4c4f64c9befe2facc638e8f3cbec163fac469b502773f6fb94e664da9165b82829f641e0"
            + "76aaa8266b7fb0f7b11b369907e1ad43");

    @Test
    void rfc7634AppendixA() {
        EspAead aead = EspAead.of("rfc7539esp(chacha20,poly1305)", KEYMAT, 128);
        ByteBuffer buf = ByteBuffer.allocateDirect(256);
        buf.put(8, IV).put(16, PLAINTEXT);
        assertEquals(SEALED.length, aead.seal(buf, 8, 16, PLAINTEXT.length, AAD, AAD.length));
        byte[] out = new byte[SEALED.length];
        buf.get(16, out);
        assertArrayEquals(SEALED, out);
        assertEquals(PLAINTEXT.length, EspAead.of("rfc7539esp(chacha20,poly1305)", KEYMAT, 128).open(buf, 8, 16, SEALED.length, AAD, AAD.length));
        byte[] back = new byte[PLAINTEXT.length];
        buf.get(16, back);
        assertArrayEquals(PLAINTEXT, back);
    }
}
