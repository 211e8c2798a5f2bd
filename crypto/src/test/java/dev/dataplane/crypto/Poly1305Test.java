package dev.dataplane.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Poly1305 vectors from RFC 8439 section 2.5.2 and appendix A.3 (the reduction edge cases #5 to #11). */
class Poly1305Test {

    private static String tag(byte[] key, byte[] msg) {
        return Hex.of(mac(new Poly1305(), key, msg));
    }

    /** The plain Poly1305 MAC of {@code msg} (any length) under {@code key}, computed with {@code p}. */
    static byte[] mac(Poly1305 p, byte[] key, byte[] msg) {
        p.init(key, 0);
        int full = msg.length & ~15;
        p.blocks(msg, 0, full);
        p.partialBlock(msg, full, msg.length - full);
        byte[] out = new byte[16];
        p.finish(out, 0);
        return out;
    }

    @Test
    void rfc8439Section252() {
        byte[] key = Hex.bytes("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] msg = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
        assertEquals("a8061dc1305136c6c22b8baf0c0127a9", tag(key, msg));
    }

    // columns: R, S, data, tag, as printed in RFC 8439 appendix A.3
    @ParameterizedTest(name = "A.3 #{index}")
    @CsvSource({
        // #5: partially reduced result that is not fully reduced
        "02000000000000000000000000000000, 00000000000000000000000000000000, ffffffffffffffffffffffffffffffff, 03000000000000000000000000000000",
        // #6: adding s overflows 2^128
        "02000000000000000000000000000000, ffffffffffffffffffffffffffffffff, 02000000000000000000000000000000, 03000000000000000000000000000000",
        // #7: all-ones data limb with a carry from below
        "01000000000000000000000000000000, 00000000000000000000000000000000, ffffffffffffffffffffffffffffffff"
            + "f0ffffffffffffffffffffffffffffff11000000000000000000000000000000, 05000000000000000000000000000000",
        // #8: polynomial result exactly 2^130 - 5
        "01000000000000000000000000000000, 00000000000000000000000000000000, ffffffffffffffffffffffffffffffff"
            + "fbfefefefefefefefefefefefefefefe01010101010101010101010101010101, 00000000000000000000000000000000",
        // #9: polynomial result exactly 2^130 - 6
        "02000000000000000000000000000000, 00000000000000000000000000000000, fdffffffffffffffffffffffffffffff, faffffffffffffffffffffffffffffff",
        // #10: 5*H+L reduction gives a 131-bit intermediate
        "01000000000000000400000000000000, 00000000000000000000000000000000, e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000"
            + "0000000000000000000000000000000001000000000000000000000000000000, 14000000000000005500000000000000",
        // #11: 5*H+L reduction gives a 131-bit final result
        "01000000000000000400000000000000, 00000000000000000000000000000000, e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000"
            + "00000000000000000000000000000000, 13000000000000000000000000000000",
    })
    void rfc8439AppendixA3EdgeCases(String r, String s, String data, String expected) {
        assertEquals(expected, tag(Hex.bytes(r + s), Hex.bytes(data)));
    }
}
