package dev.dataplane.device;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A failure repeating on every batch is logged once per interval, with the count of those left out. */
class RepeatedFailureTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void oneLinePerIntervalWithTheCountLeftOut() {
        RepeatedFailure f = new RepeatedFailure(10 * SECOND);
        assertEquals("UDP receive failed: x", f.line("UDP receive failed: x", 5 * SECOND));
        for (int i = 1; i <= 999; i++) assertNull(f.line("UDP receive failed: x", 5 * SECOND + i * 10_000_000L));
        assertEquals("UDP receive failed: y (999 more like it not logged since the last)", f.line("UDP receive failed: y", 15 * SECOND));
        assertNull(f.line("UDP receive failed: y", 16 * SECOND));
        assertEquals("UDP receive failed: z (1 more like it not logged since the last)", f.line("UDP receive failed: z", 26 * SECOND));
    }

    @Test
    void theFirstIsLoggedWhateverTheClockReads() {
        assertEquals("a", new RepeatedFailure(10 * SECOND).line("a", Long.MIN_VALUE + 5));
        assertEquals("b", new RepeatedFailure(10 * SECOND).line("b", 0));
    }
}
