package dev.dataplane.device;

import dev.dataplane.tun.PacketBatch;

/**
 * An inline pipeline's batch and the event view over it, sized for the MTU at start (so a batch stays in the
 * L2 cache) and grown once an oversize packet has been dropped ({@link DropReason#OVERSIZE}, anywhere in the
 * device): first to hold a jumbo packet, then the largest, so that after a raised MTU the following packets
 * are carried. One per data thread; read {@link #batch} and {@link #event} afresh for every batch.
 */
final class GrowingBatch {
    private final WgDevice device;
    private final int headroom;
    private final String direction;
    private long oversizeSeen;
    PacketBatch batch;
    PacketEvent event;

    GrowingBatch(WgDevice device, int slot, int headroom, String direction) {
        this.device = device;
        this.headroom = headroom;
        this.direction = direction;
        this.oversizeSeen = device.drops(DropReason.OVERSIZE);
        allocate(slot);
    }

    int slot() {
        return batch.slotSize();
    }

    /** Call after each batch: grows the buffers if an oversize packet was dropped since the last call. */
    void growAfterOversize() {
        long now = device.drops(DropReason.OVERSIZE);
        if (now != oversizeSeen && slot() < WgDevice.MAX_SLOT) {
            allocate(slot() < WgDevice.RING_SLOT ? WgDevice.RING_SLOT : WgDevice.MAX_SLOT);
            device.logLine(direction + " packet buffers grown to " + slot() + " bytes after an oversize packet");
        }
        oversizeSeen = now;
    }

    private void allocate(int slot) {
        batch = new PacketBatch(Outbound.BATCH, slot, headroom);
        event = new PacketEvent(batch.buffer(), batch.view());
    }
}
