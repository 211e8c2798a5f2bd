package dev.dataplane.device;

/** Time as the engine sees it; tests inject a manual clock so protocol timers run without sleeping. */
public interface Clock {
    /** Monotonic nanoseconds, for timers and key ages. */
    long nanos();

    /** Wall-clock nanoseconds since the epoch, for TAI64N timestamps and last_handshake_time. */
    long epochNanos();

    Clock SYSTEM = new Clock() {
        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public long epochNanos() {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
    };
}
