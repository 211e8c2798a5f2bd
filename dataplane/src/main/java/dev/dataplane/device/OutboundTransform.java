package dev.dataplane.device;

import dev.dataplane.tun.PacketBatch;

/**
 * A mode's work on each packet from the inside device, on the shared {@link TunToWire} loop: pick the
 * destination and turn the packet into a datagram in place, its outer header written into the headroom.
 */
public interface OutboundTransform {
    /** Bytes of outer header in front of each inside packet (the read batch's headroom). */
    int headroom();

    /**
     * Turns slot {@code i} (the packet at {@code batch.offset(i)}, {@link #headroom()} free bytes before it)
     * into a datagram starting at the slot's first byte, and sets {@code batch.endpoint(out)} to where it goes
     * ({@code out} is the slot it moves to when the batch is compacted). Returns the datagram's length, or -1
     * if the packet was dropped (the transform counts it), or 0 if the transform consumed it otherwise.
     */
    int encapsulate(PacketBatch batch, int i, int out);

    /**
     * Called once before each batch's {@link #encapsulate} calls with the device clock's time: checks that need
     * a time only to a batch's precision (key lifetimes) take it from here instead of reading the clock per packet.
     */
    default void begin(long now) {}

    /** The first {@code sent} datagrams of the batch left at {@code now}: per-destination accounting. */
    default void sent(PacketBatch batch, int sent, long now) {}
}
