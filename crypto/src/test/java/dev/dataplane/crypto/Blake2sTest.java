package dev.dataplane.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 7693 appendix B ("abc") and appendix E (the self-test's grand hash over digest lengths 16..32, keyed and
 * unkeyed), plus entries of the official BLAKE2 known-answer file testvectors/blake2s-kat.txt
 * (github.com/BLAKE2/BLAKE2): input 00 01 02 .. of the given length, key 00 01 .. 1f for the keyed ones.
 */
class Blake2sTest {

    private static byte[] sequence(int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) i;
        return b;
    }

    @Test
    void rfc7693AppendixB() {
        assertEquals("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
                Hex.of(Blake2s.hash("abc".getBytes(StandardCharsets.US_ASCII))));
    }

    @ParameterizedTest(name = "unkeyed, {0} bytes")
    @CsvSource({
        "0, 69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9",
        "1, e34d74dbaf4ff4c6abd871cc220451d2ea2648846c7757fbaac82fe51ad64bea",
        "3, e8f91c6ef232a041452ab0e149070cdd7dd1769e75b3a5921be37876c45c9900",
    })
    void officialKatUnkeyed(int len, String expected) {
        assertEquals(expected, Hex.of(Blake2s.hash(sequence(len))));
    }

    @ParameterizedTest(name = "keyed, {0} bytes")
    @CsvSource({
        "0, 48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49",
        "1, 40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1",
        "2, 6bb71300644cd3991b26ccd4d274acd1adeab8b1d7914546c1198bbe9fc9d803",
        "3, 1d220dbe2ee134661fdf6d9e74b41704710556f2f6e5a091b227697445dbea6b",
        "63, c65382513f07460da39833cb666c5ed82e61b9e998f4b0c4287cee56c3cc9bcd",
        "64, 8975b0577fd35566d750b362b0897a26c399136df07bababbde6203ff2954ed4",
        "65, 21fe0ceb0052be7fb0f004187cacd7de67fa6eb0938d927677f2398c132317a8",
        "128, 0c311f38c35a4fb90d651c289d486856cd1413df9b0677f53ece2cd9e477c60a",
        "255, 3fb735061abc519dfe979e54c1ee5bfad0a9d858b3315bad34bde999efd724dd",
    })
    void officialKatKeyed(int len, String expected) {
        byte[] key = sequence(32);
        assertEquals(expected, Hex.of(Blake2s.mac(32, key, sequence(len))));
        // the same message fed in uneven pieces must give the same digest
        byte[] msg = sequence(len);
        Blake2s b = new Blake2s(32, key);
        int off = 0;
        for (int step = 1; off < len; step = step * 3 % 67 + 1) {
            int n = Math.min(step, len - off);
            b.update(msg, off, n);
            off += n;
        }
        byte[] out = new byte[40];
        b.digest(out, 8);
        assertEquals(expected, Hex.of(java.util.Arrays.copyOfRange(out, 8, 40)));
    }

    /** RFC 7693 appendix E: hash of all digests for outlen 16, 20, 28, 32 and inlen 0, 3, 64, 65, 255, 1024. */
    @Test
    void rfc7693AppendixESelfTest() {
        Blake2s grand = new Blake2s(32);
        for (int outLen : new int[] {16, 20, 28, 32}) {
            for (int inLen : new int[] {0, 3, 64, 65, 255, 1024}) {
                byte[] in = selftestSeq(inLen, inLen);
                grand.update(new Blake2s(outLen).update(in).digest());
                byte[] key = selftestSeq(outLen, outLen);
                grand.update(new Blake2s(outLen, key).update(in).digest());
            }
        }
        assertEquals("6a411f08ce25adcdfb02aba641451cec53c598b24f4fc787fbdc88797f4c1dfe", Hex.of(grand.digest()));
    }

    /** The appendix's deterministic Fibonacci byte sequence. */
    private static byte[] selftestSeq(int len, int seed) {
        byte[] out = new byte[len];
        int a = 0xDEAD4BAD * seed, b = 1;
        for (int i = 0; i < len; i++) {
            int t = a + b;
            a = b;
            b = t;
            out[i] = (byte) (t >>> 24);
        }
        return out;
    }

    @Test
    void rejectsBadParametersAndReuse() {
        assertThrows(IllegalArgumentException.class, () -> new Blake2s(0));
        assertThrows(IllegalArgumentException.class, () -> new Blake2s(33));
        assertThrows(IllegalArgumentException.class, () -> new Blake2s(32, new byte[33]));
        Blake2s b = new Blake2s(32);
        b.digest();
        assertThrows(IllegalStateException.class, () -> b.update(new byte[1]));
    }

    @Test
    void emptyKeyMeansUnkeyed() {
        assertEquals(Hex.of(Blake2s.hash(sequence(3))), Hex.of(Blake2s.mac(32, new byte[0], sequence(3))));
        assertEquals(Hex.of(Blake2s.hash(sequence(3))), Hex.of(Blake2s.mac(32, null, sequence(3))));
    }
}
