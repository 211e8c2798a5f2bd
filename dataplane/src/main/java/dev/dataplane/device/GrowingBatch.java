package dev.dataplane.device;

import dev.dataplane.tun.PacketBatch;

/**
 * A pipeline loop's batch, sized for the MTU at start (so a batch stays in the L2 cache) and grown once an
 * oversize packet has been dropped ({@link DropReason#OVERSIZE}, anywhere in the device): first to hold a jumbo
 * packet, then the largest, so that after a raised MTU the following packets are carried. One per data thread;
 * read {@link #batch} afresh for every batch.
 */
final class GrowingBatch {
    /**
     * Packets per batched read and send: enough to amortise syscalls, small enough to stay in cache. 64 cut one
     * 45-segment UDP GRO message in two at every other batch, so received TCP runs went up to TUN as shorter
     * super-packets; 128 measured 2.51 vs 2.18 Gbit/s with 4 streams (2.11 vs 2.04 with 1), 256 less than 128.
     */
    static final int BATCH = 128;
    /** A 9000-byte jumbo packet plus headers. */
    static final int JUMBO_SLOT = 9216;
    /** Largest buffer: a 65535-byte packet (the most a TUN device or a UDP datagram holds) plus headers. */
    static final int MAX_SLOT = 65536 + 128;

    private final Device device;
    private final int headroom;
    private final String direction;
    private long oversizeSeen;
    PacketBatch batch;

    GrowingBatch(Device device, int slot, int headroom, String direction) {
        this.device = device;
        this.headroom = headroom;
        this.direction = direction;
        this.oversizeSeen = device.drops(DropReason.OVERSIZE);
        batch = new PacketBatch(BATCH, slot, headroom);
    }

    int slot() {
        return batch.slotSize();
    }

    /**
     * Packet buffers start at the MTU's size (a batch of them stays in the L2 cache: 9216-byte slots from the
     * start cost about 10 % more CPU per Gbit, measured); {@code extra}: link and outer headers on top.
     */
    static int slotSize(int mtu, int extra) {
        return Math.max(2048, (mtu + extra + 63) & ~63);
    }

    /** Call after each batch: grows the buffers if an oversize packet was dropped since the last call. */
    void growAfterOversize() {
        long now = device.drops(DropReason.OVERSIZE);
        if (now != oversizeSeen && slot() < MAX_SLOT) {
            batch = new PacketBatch(BATCH, slot() < JUMBO_SLOT ? JUMBO_SLOT : MAX_SLOT, headroom);
            device.logLine(direction + " packet buffers grown to " + slot() + " bytes after an oversize packet");
        }
        oversizeSeen = now;
    }
}
