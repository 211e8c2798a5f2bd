package dev.dataplane.crypto;

import java.util.Arrays;

/**
 * Anti-replay for transport counters, the sliding bitmap of RFC 6479 as WireGuard uses it: a ring of 64-bit
 * words (8192 bits); moving the window forward only zeroes the words it passes, never shifts. The newest
 * counter seen and the {@link #WINDOW} - 1 counters below it are tracked; anything older is rejected.
 * Not thread-safe: call it from the single thread that owns the keypair's receive order.
 */
public final class ReplayWindow {
    public static final int BITMAP_BITS = 8192;
    /** Counters accepted below the newest one seen: one word of the ring is the partly-filled current word. */
    public static final int WINDOW = BITMAP_BITS - Long.SIZE;

    /**
     * WireGuard rejects counters >= 2^64 - 2^13 - 1 (unsigned). Java longs are signed, so we keep the same
     * margin below the top of the signed range: 2^63 - 2^13 - 1. Wire counters at or above 2^63 read as
     * negative longs and are rejected too. No session gets near either bound (rekeying happens long before).
     */
    public static final long REJECT_AFTER_MESSAGES = Long.MAX_VALUE - (1L << 13);

    private static final int WORDS = BITMAP_BITS / Long.SIZE;
    private static final int WORD_MASK = WORDS - 1;

    private final long[] bitmap = new long[WORDS];
    private long greatest;

    /**
     * Returns true exactly once for each acceptable counter and records it; false for a duplicate, a counter
     * WINDOW or more below the greatest seen, a negative counter, or one >= REJECT_AFTER_MESSAGES.
     * Call only after the packet authenticated, or a forged counter could advance the window.
     */
    public boolean accept(long counter) {
        if (counter < 0 || counter >= REJECT_AFTER_MESSAGES) return false;
        long word = counter >>> 6;
        if (counter > greatest) {
            long current = greatest >>> 6;
            long advance = Math.min(word - current, WORDS);
            for (long i = 1; i <= advance; i++) bitmap[(int) ((current + i) & WORD_MASK)] = 0;
            greatest = counter;
        } else if (greatest - counter >= WINDOW) {
            return false;
        }
        int index = (int) (word & WORD_MASK);
        long bit = 1L << (counter & 63);
        if ((bitmap[index] & bit) != 0) return false;
        bitmap[index] |= bit;
        return true;
    }

    public void reset() {
        Arrays.fill(bitmap, 0);
        greatest = 0;
    }
}
