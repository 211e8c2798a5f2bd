package dev.dataplane.tun;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/** One frame per batch slot, optionally behind a shared all-zero virtio_net_hdr: writes that coalesce nothing. */
final class PlainFrames implements FrameList {
    private final UnsafeBuffer iovecs;
    private final UnsafeBuffer noneHeader;
    private final boolean vnetHdr;
    private final int perFrame;
    private int frames;

    PlainFrames(int capacity, boolean vnetHdr) {
        this.vnetHdr = vnetHdr;
        this.perFrame = vnetHdr ? 2 : 1;
        this.iovecs = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity * perFrame * 16, 64));
        this.noneHeader = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    }

    int capacity() {
        return iovecs.capacity() / (perFrame * 16);
    }

    PlainFrames of(PacketBatch batch) {
        frames = batch.count();
        for (int i = 0; i < frames; i++) put(i, batch.address(i), batch.length(i));
        return this;
    }

    /** One frame for one packet at a raw address. */
    PlainFrames of(long address, int length) {
        frames = 1;
        put(0, address, length);
        return this;
    }

    private void put(int frame, long address, int length) {
        int o = frame * perFrame * 16;
        if (vnetHdr) {
            iovecs.putLong(o, noneHeader.addressOffset());
            iovecs.putLong(o + 8, VirtioNetHdr.SIZE);
            o += 16;
        }
        iovecs.putLong(o, address);
        iovecs.putLong(o + 8, length);
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public long iovAddress(int frame) {
        return iovecs.addressOffset() + (long) frame * perFrame * 16;
    }

    @Override
    public int iovCount(int frame) {
        return perFrame;
    }

    @Override
    public int packets(int frame) {
        return 1;
    }
}
