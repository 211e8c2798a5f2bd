package dev.dataplane.device;

/**
 * A failure that may repeat on every batch (a socket receive error backs off 10 ms and tries again) is logged at
 * most once per interval, with how many were left out since, so that a persistent error cannot flood the log.
 * One instance per failing loop; not thread-safe.
 */
final class RepeatedFailure {
    static final long INTERVAL_NANOS = 10_000_000_000L;

    private final long intervalNanos;
    private boolean logged;
    private long lastNanos;
    private long leftOut;

    RepeatedFailure(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** The line to log for this occurrence at {@code nowNanos}, or null if it falls inside the interval. */
    String line(String message, long nowNanos) {
        if (logged && nowNanos - lastNanos < intervalNanos) {
            leftOut++;
            return null;
        }
        String line = leftOut == 0 ? message : message + " (" + leftOut + " more like it not logged since the last)";
        logged = true;
        lastNanos = nowNanos;
        leftOut = 0;
        return line;
    }
}
