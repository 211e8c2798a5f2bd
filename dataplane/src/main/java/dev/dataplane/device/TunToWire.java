package dev.dataplane.device;

import dev.dataplane.tun.PacketBatch;
import dev.dataplane.tun.Readiness;
import dev.dataplane.tun.TunDevice;
import dev.dataplane.tun.UdpSocket;

import java.io.IOException;

/**
 * Inside device → wire, run to completion on one thread a batch at a time: drain what the TUN/TAP device holds
 * (TSO super-packets arrive split), let the mode's {@link OutboundTransform} turn each packet into a datagram in
 * place in its slot, compact the survivors and hand them to one sendmmsg (UDP GSO where the kernel has it).
 * Fewest hand-offs and syscalls; the same loop for every mode.
 *
 * <p>On its own thread (the split threading) a batch is read and sent holding {@link #turn}, and the thread waits for
 * the device outside it, so that the wire-side thread can send what its own write to the device made the kernel
 * answer ({@link #sendWaiting}).
 */
public final class TunToWire implements Runnable {
    private final Device device;
    private final OutboundTransform transform;
    private final int slot;
    private volatile boolean running = true;
    /** Who reads the inside device and sends, one batch at a time: this loop's thread or a helping one. */
    private final Turn turn = new Turn();
    /** Made by the first thread that moves a batch; used under {@link #turn} (or by a lane's single thread). */
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
        TunDevice inside = device.tun.tunDevice();
        if (inside == null) {                       // an in-memory device: its reads block
            while (running && pump() >= 0) {
                // each pump moves one batch
            }
            return;
        }
        Readiness.returnEmptyReads();
        while (running) {
            int n;
            turn.take();
            try {
                n = pump();
            } finally {
                turn.give();
            }
            if (n < 0) return;
            if (n == 0) awaitInside(inside);
        }
    }

    private static void awaitInside(TunDevice inside) {
        try {
            Readiness.await(inside);
        } catch (IOException closing) {
            // the device is closing: the next pump finds out and ends the loop
        }
    }

    /**
     * For the wire-side thread, just after it wrote packets to the inside device. The kernel handles a write to a
     * TUN device inside the write itself, so what the packets made it answer (ping's echo reply, TCP's ACK) is
     * already queued on the device: sent from here it goes out now, instead of after a wake-up of this loop's thread,
     * which on an idle core costs tens of microseconds (a virtual machine's halted CPU: about a tenth of a
     * millisecond here). Does nothing when this loop's thread is at work (it will find them); never waits for the
     * device. Drains what it read completely, as a blocked loop thread would not see segments held in user space.
     * Returns false only if it looked and found nothing.
     */
    boolean sendWaiting() {
        if (!turn.tryTake()) return true;
        boolean was = Readiness.setReturnEmptyReads(true);
        try {
            TunDevice inside = device.tun.tunDevice();
            int n = pump();
            if (n <= 0) return false;
            device.stats.replySentOnWrite();
            while (inside.holdsPackets() && pump() > 0) {
                // the rest of a split super-packet
            }
            return true;
        } finally {
            Readiness.setReturnEmptyReads(was);
            turn.give();
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
