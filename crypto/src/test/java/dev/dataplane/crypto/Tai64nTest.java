package dev.dataplane.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** TAI64N as defined by D. J. Bernstein (cr.yp.to/libtai/tai64.html): label 2^62 + seconds, then nanoseconds. */
class Tai64nTest {

    private static byte[] at(long seconds, int nanos) {
        byte[] b = new byte[12];
        Tai64n.write(seconds, nanos, b, 0);
        return b;
    }

    @Test
    void encodesLabelAndNanosBigEndian() {
        assertEquals("400000000000000000000000", Hex.of(at(0, 0)));
        assertEquals("4000000000000001" + "3b9ac9ff", Hex.of(at(1, 999_999_999)));
        assertEquals("3fffffffffffffff" + "00000000", Hex.of(at(-1, 0)));
        byte[] b = new byte[16];
        Tai64n.write(0x1234, 0x56, b, 4);
        assertEquals("00000000" + "4000000000001234" + "00000056", Hex.of(b));
    }

    @Test
    void orderFollowsTime() {
        long[][] times = {{-5, 0}, {0, 0}, {0, 1}, {0x7f, 999_999_999}, {0x80, 0}, {0xff, 5}, {0x100, 0},
                {1_700_000_000L, 0}, {1_700_000_000L, 0x80}, {1_700_000_001L, 0}};
        for (int i = 0; i < times.length; i++) {
            for (int j = 0; j < times.length; j++) {
                int c = Tai64n.compare(at(times[i][0], (int) times[i][1]), at(times[j][0], (int) times[j][1]));
                assertEquals(Integer.signum(Integer.compare(i, j)), Integer.signum(c), i + " vs " + j);
            }
        }
        assertTrue(Tai64n.compare(at(1, 0), at(1, 0)) == 0);
    }

    @Test
    void rejectsOutOfRangeNanos() {
        assertThrows(IllegalArgumentException.class, () -> Tai64n.write(0, 1_000_000_000, new byte[12], 0));
        assertThrows(IllegalArgumentException.class, () -> Tai64n.write(0, -1, new byte[12], 0));
    }
}
