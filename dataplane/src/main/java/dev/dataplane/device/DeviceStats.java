package dev.dataplane.device;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Device-wide drop counters, one per reason. Counting is a single atomic add, no allocation. */
public final class DeviceStats {
    private final AtomicLongArray drops = new AtomicLongArray(DropReason.values().length);
    private final java.util.concurrent.atomic.AtomicLong cookieReplies = new java.util.concurrent.atomic.AtomicLong();
    private volatile long repliesSentOnWrite;   // one writer: the wire-side data thread

    /** The wire-side thread sent a batch its own write to the inside device made the kernel answer (TunToWire#sendWaiting). */
    void replySentOnWrite() {
        repliesSentOnWrite = repliesSentOnWrite + 1;
    }

    public long repliesSentOnWrite() {
        return repliesSentOnWrite;
    }

    void cookieReplySent() {
        cookieReplies.incrementAndGet();
    }

    public long cookieRepliesSent() {
        return cookieReplies.get();
    }

    public void drop(DropReason reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    public long drops(DropReason reason) {
        return drops.get(reason.ordinal());
    }

    public Map<DropReason, Long> snapshot() {
        Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            long n = drops(r);
            if (n != 0) m.put(r, n);
        }
        return m;
    }
}
