package dev.dataplane.device;

import dev.dataplane.tun.PacketBatch;

/** A mode's work on each received datagram, on the shared {@link WireToTun} loop: check it and unwrap it in place. */
public interface InboundTransform {
    /**
     * Checks the datagram in slot {@code i} (at {@code batch.offset(i)}, from {@code batch.endpoint(i)}) and
     * opens it in place. If the inner packet goes to the inside device, returns its length and leaves the slot
     * describing it ({@code batch.set(i, startInSlot, length)}); returns 0 if the datagram carried nothing for the
     * device, -1 if it was dropped (the transform counts it).
     */
    int decapsulate(PacketBatch batch, int i);

    /**
     * Called once before each batch's {@link #decapsulate} calls with the device clock's time: checks that need
     * a time only to a batch's precision (key lifetimes) take it from here instead of reading the clock per packet.
     */
    default void begin(long now) {}

    /**
     * True if {@link #decapsulate} only takes outer headers off ({@link PacketBatch#strip}) and leaves the inner
     * packet's bytes as they arrived: then the receive may sum each datagram while copying it, and the TUN/TAP
     * writer checks TCP checksums from that sum instead of reading every payload again.
     */
    default boolean keepsInnerBytes() {
        return false;
    }

    /**
     * True if every inner packet {@link #decapsulate} passes on was authenticated end to end, as WireGuard's AEAD
     * does: then the TUN writer coalesces TCP segments without checking their checksums, as kernel WireGuard marks
     * decrypted packets CHECKSUM_UNNECESSARY ({@link PacketBatch#authenticated}).
     */
    default boolean authenticates() {
        return false;
    }
}
