package dev.dataplane.device;

import dev.dataplane.tun.PacketBatch;

/** A mode's work on each received datagram, on the shared {@link WireToTun} loop: check it and unwrap it in place. */
public interface InboundTransform {
    /** Bytes of outer header in front of the inner packet, which starts that far into the datagram. */
    int headroom();

    /**
     * Checks the datagram in slot {@code i} (at {@code batch.offset(i)}, from {@code batch.endpoint(i)}) and
     * opens it in place; returns the inner packet's length ({@link #headroom()} bytes into the datagram) if it
     * goes to the inside device, 0 if it carried nothing for it, -1 if it was dropped (the transform counts it).
     */
    int decapsulate(PacketBatch batch, int i);
}
