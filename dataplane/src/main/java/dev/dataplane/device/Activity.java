package dev.dataplane.device;

/**
 * When a peer last sent or last received, kept per direction so that each direction's data thread writes only
 * its own cache line: the send side writes {@link #last} and {@link #firstOpen} of its {@code Activity}, the
 * receive side those of the other one, and each only reads the other's. Padded on both sides.
 *
 * <p>{@code firstOpen} is the first message of an exchange not yet answered from the other side: on the send
 * side data sent after the last authenticated receive (no answer for 15 s → a new handshake), on the receive
 * side data received after our last send (nothing sent for 10 s → a passive keepalive). An answer is a
 * {@code last} of the other side later than it. Neither thread clears the other's field: the writer starts a new
 * exchange once its open one is answered, and stores {@code last} when it answers an open exchange of the other
 * side or a millisecond has passed. Both happen at most once a millisecond, so under traffic in both directions
 * the line moves between the threads about once a millisecond instead of once a packet. The price: a second
 * message within a millisecond of an answered first one opens no exchange of its own, so if it is the last
 * message for a while, the timers act on the next one instead.
 */
final class Activity extends ActivityFields {
    static final long RESOLUTION_NANOS = 1_000_000;

    @SuppressWarnings("unused")
    private long p10, p11, p12, p13, p14, p15, p16, p17;

    /** Something went this way at {@code now} on a data thread; {@code other} is the opposite direction. */
    void touch(long now, Activity other) {
        long l = last;
        if (now - l >= RESOLUTION_NANOS || l == 0 || l <= other.firstOpen) last = now;
    }

    /** Something went this way at {@code now} on the control thread (seldom: stored exactly). */
    void mark(long now) {
        last = now;
    }

    /** Data went this way at {@code now} (after {@link #touch} or {@link #mark}). */
    void opened(long now, Activity other) {
        long f = firstOpen;
        if (f == 0 || (other.last > f && now - f >= RESOLUTION_NANOS)) firstOpen = now;
    }

    /** The first unanswered message, if it is still unanswered; else 0. */
    long openSince(Activity other) {
        long f = firstOpen;
        return f != 0 && other.last <= f ? f : 0;
    }

    long last() {
        return last;
    }

    /** The timers dealt with the open exchange (control thread; the writer opens a new one with its next message). */
    void close() {
        firstOpen = 0;
    }
}

/** Cache-line padding before the fields (superclass fields are laid out first). */
abstract class ActivityPad {
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class ActivityFields extends ActivityPad {
    volatile long last;
    volatile long firstOpen;
}
