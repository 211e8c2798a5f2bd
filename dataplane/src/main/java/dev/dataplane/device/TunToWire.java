package dev.dataplane.device;

import dev.dataplane.tun.PacketBatch;
import dev.dataplane.tun.Readiness;
import dev.dataplane.tun.UdpSocket;

import java.io.IOException;

/**
 * Inside device → wire, run to completion on one thread a batch at a time: drain what the TUN/TAP device holds
 * (TSO super-packets arrive split), let the mode's {@link OutboundTransform} turn each packet into a datagram in
 * place in its slot, compact the survivors and hand them to one sendmmsg (UDP GSO where the kernel has it).
 * Fewest hand-offs and syscalls; the same loop for every mode.
 */
public final class TunToWire implements Runnable {
    private final Device device;
    private final OutboundTransform transform;
    private final int slot;
    private volatile boolean running = true;
    /** Made by the thread that runs the loop, on its first batch. */
    private GrowingBatch buffers;

    public TunToWire(Device device, OutboundTransform transform, int slot) {
        this.device = device;
        this.transform = transform;
        this.slot = slot;
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running && pump() >= 0) {
            // each pump moves one batch
        }
    }

    /**
     * Moves one batch: returns how many packets were read, 0 if none was waiting (only on a thread that asked
     * {@link Readiness#returnEmptyReads}), or -1 once the loop has ended.
     */
    int pump() {
        if (!running) return -1;
        if (buffers == null) buffers = new GrowingBatch(device, slot, transform.headroom(), "outbound");
        PacketBatch batch = buffers.batch;
        int n;
        try {
            n = device.tun.readBatch(batch);
        } catch (Readiness.NothingWaiting e) {
            return 0;
        } catch (IOException e) {
            if (running) device.fatal("inside device read failed: " + e.getMessage());
            running = false;
            return -1;
        }
        int out = 0, slotSize = batch.slotSize();
        transform.begin(device.clock.nanos());
        for (int i = 0; i < n; i++) {
            int len = transform.encapsulate(batch, i, out);
            if (len <= 0) continue;
            if (out != i) batch.view().putBytes(out * slotSize, batch.view(), i * slotSize, len);
            batch.set(out++, 0, len);
        }
        batch.count(out);
        if (out > 0) transmit(batch);
        buffers.growAfterOversize();   // a packet did not fit (the MTU was raised): carry the next ones
        return n;
    }

    private void transmit(PacketBatch batch) {
        UdpSocket socket = device.socket();
        if (socket == null) {
            device.stats.drop(DropReason.IO_ERROR);
            return;
        }
        int sent;
        try {
            sent = socket.sendBatch(batch);
        } catch (IOException e) {
            sent = 0;
        }
        for (int i = sent; i < batch.count(); i++) device.stats.drop(DropReason.IO_ERROR);
        if (sent > 0) transform.sent(batch, sent, device.clock.nanos());
    }
}
