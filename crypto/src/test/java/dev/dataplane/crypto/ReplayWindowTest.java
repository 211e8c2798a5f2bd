package dev.dataplane.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RFC 6479 behaviour: each counter once, within a window behind the greatest counter seen. */
class ReplayWindowTest {
    private static final int W = ReplayWindow.WINDOW;

    @Test
    void windowIsAtLeastTheRequired2048() {
        assertTrue(W >= 2048);
        assertEquals(8192 - 64, W);
    }

    @Test
    void inOrderAcceptedOnceDuplicatesRejected() {
        ReplayWindow w = new ReplayWindow();
        for (long c = 0; c < 3 * W; c++) assertTrue(w.accept(c), "first " + c);
        for (long c = 2 * W + 1; c < 3 * W; c++) assertFalse(w.accept(c), "again " + c);
        assertFalse(w.accept(0));
    }

    @Test
    void exactlyAtTheWindowEdge() {
        ReplayWindow w = new ReplayWindow();
        long top = 100_000;
        assertTrue(w.accept(top));
        assertFalse(w.accept(top - W), "one beyond the window");
        assertTrue(w.accept(top - W + 1), "the oldest counter inside the window");
        assertFalse(w.accept(top - W + 1));
        // the same edge on every bit alignment of the top counter
        for (long t = top + 1; t < top + 130; t++) {
            ReplayWindow x = new ReplayWindow();
            assertTrue(x.accept(t));
            assertFalse(x.accept(t - W));
            assertTrue(x.accept(t - W + 1));
        }
    }

    @Test
    void counterZeroWorksOnAFreshWindowAndAfterReset() {
        ReplayWindow w = new ReplayWindow();
        assertTrue(w.accept(0));
        assertFalse(w.accept(0));
        w.reset();
        assertTrue(w.accept(0));
        assertTrue(w.accept(5));
        w.reset();
        assertTrue(w.accept(5));
    }

    @Test
    void outOfOrderWithinTheWindow() {
        ReplayWindow w = new ReplayWindow();
        assertTrue(w.accept(10));
        assertTrue(w.accept(7));
        assertTrue(w.accept(9));
        assertFalse(w.accept(7));
        assertTrue(w.accept(8));
        assertTrue(w.accept(1000));
        assertTrue(w.accept(11));
        assertFalse(w.accept(10));
        assertTrue(w.accept(999));
        assertFalse(w.accept(1000));
    }

    @Test
    void farFutureJumpClearsTheWindow() {
        ReplayWindow w = new ReplayWindow();
        for (long c = 0; c < 500; c++) assertTrue(w.accept(c));
        long far = 10_000_000_000L;
        assertTrue(w.accept(far));
        assertFalse(w.accept(499), "now far outside the window");
        // the ring words that held 0..499 must read as unseen for the counters that now map onto them
        for (long c = far - W + 1; c < far; c++) assertTrue(w.accept(c), "after jump " + c);
        assertFalse(w.accept(far - 1));
        // jump by exactly a ring's worth of words, and by one word less
        ReplayWindow x = new ReplayWindow();
        assertTrue(x.accept(64));
        assertTrue(x.accept(64 + ReplayWindow.BITMAP_BITS));
        assertTrue(x.accept(64 + ReplayWindow.BITMAP_BITS - 64 + 1));
        ReplayWindow y = new ReplayWindow();
        assertTrue(y.accept(3 * 64 + 5));
        assertTrue(y.accept(3 * 64 + 5 + ReplayWindow.BITMAP_BITS - 64));
        assertFalse(y.accept(3 * 64 + 5));
    }

    @Test
    void limitAndNegativeCountersRejected() {
        ReplayWindow w = new ReplayWindow();
        long limit = ReplayWindow.REJECT_AFTER_MESSAGES;
        assertTrue(w.accept(limit - 1));
        assertFalse(w.accept(limit));
        assertFalse(w.accept(limit + 1));
        assertFalse(w.accept(Long.MAX_VALUE));
        assertFalse(w.accept(-1));             // 2^64 - 1 on the wire
        assertFalse(w.accept(Long.MIN_VALUE)); // 2^63 on the wire
        assertTrue(w.accept(limit - 2));
        assertFalse(w.accept(limit - 1));
    }

    /** 100000 counters, increasing overall but shuffled inside blocks, with replays, against a plain model. */
    @Test
    void matchesAReferenceModelOverManyRingCycles() {
        Random rnd = new Random(6479);
        ReplayWindow w = new ReplayWindow();
        Set<Long> seen = new HashSet<>();
        long max = -1;
        long base = 0;
        int checked = 0;
        while (checked < 100_000) {
            int span = 1 + rnd.nextInt(W + 200); // sometimes slightly wider than the window
            List<Long> batch = new ArrayList<>();
            for (int i = 0; i < span; i += 1 + rnd.nextInt(3)) batch.add(base + i);
            Collections.shuffle(batch, rnd);
            // replay a few: duplicates of fresh counters and of old ones
            for (int i = 0; i < 20 && !batch.isEmpty(); i++) batch.add(batch.get(rnd.nextInt(batch.size())));
            for (int i = 0; i < 5; i++) batch.add(Math.max(0, base - rnd.nextInt(2 * W)));
            for (long c : batch) {
                boolean expected = !seen.contains(c) && (c > max || max - c < W);
                assertEquals(expected, w.accept(c), "counter " + c + " max " + max);
                if (expected) {
                    seen.add(c);
                    max = Math.max(max, c);
                }
                checked++;
            }
            base += span - rnd.nextInt(Math.min(span, 64)) + (rnd.nextInt(10) == 0 ? rnd.nextInt(3 * W) : 0);
        }
        assertTrue(max > 20L * ReplayWindow.BITMAP_BITS, "the ring wrapped many times: " + max);
    }
}
