package dev.dataplane.device;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when the test says so. */
final class ManualClock implements Clock {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    private final long epochBase = System.currentTimeMillis() * 1_000_000L;

    @Override
    public long nanos() {
        return nanos.incrementAndGet();   // like a real clock, no two readings are equal
    }

    @Override
    public long epochNanos() {
        return epochBase + nanos.get();
    }

    void advanceSeconds(double s) {
        nanos.addAndGet((long) (s * 1e9));
    }
}
