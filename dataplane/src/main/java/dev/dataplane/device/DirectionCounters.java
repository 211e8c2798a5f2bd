package dev.dataplane.device;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Bytes and messages in one direction (a WireGuard peer's, a VXLAN device's), kept so that no counter has two writers: the direction's data
 * thread and the control thread (handshakes, keepalives) each add to their own, with plain opaque stores
 * instead of an atomic read-modify-write per packet; readers (UAPI, metrics) sum both. Padded on both sides,
 * so the other direction's counters, written by the other data thread, never share its cache line.
 */
public final class DirectionCounters extends DirectionCounterFields {
    @SuppressWarnings("unused")
    private long p10, p11, p12, p13, p14, p15, p16, p17;

    private static final VarHandle DATA_BYTES, DATA_PACKETS, CONTROL_BYTES, CONTROL_PACKETS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            DATA_BYTES = l.findVarHandle(DirectionCounterFields.class, "dataBytes", long.class);
            DATA_PACKETS = l.findVarHandle(DirectionCounterFields.class, "dataPackets", long.class);
            CONTROL_BYTES = l.findVarHandle(DirectionCounterFields.class, "controlBytes", long.class);
            CONTROL_PACKETS = l.findVarHandle(DirectionCounterFields.class, "controlPackets", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One message of {@code bytes} on the data path (only the direction's data thread calls this). */
    public void data(int bytes) {
        DATA_BYTES.setOpaque(this, dataBytes + bytes);
        DATA_PACKETS.setOpaque(this, dataPackets + 1);
    }

    /** One message of {@code bytes} sent or received by the control thread (only it calls this). */
    void control(int bytes) {
        CONTROL_BYTES.setOpaque(this, controlBytes + bytes);
        CONTROL_PACKETS.setOpaque(this, controlPackets + 1);
    }

    public long bytes() {
        return (long) DATA_BYTES.getOpaque(this) + (long) CONTROL_BYTES.getOpaque(this);
    }

    public long packets() {
        return (long) DATA_PACKETS.getOpaque(this) + (long) CONTROL_PACKETS.getOpaque(this);
    }
}

/** Cache-line padding before the counters (superclass fields are laid out first). */
abstract class DirectionCounterPad {
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class DirectionCounterFields extends DirectionCounterPad {
    long dataBytes, dataPackets, controlBytes, controlPackets;
}
