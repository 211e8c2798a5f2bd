package dev.dataplane.device;

import dev.dataplane.tun.PacketBatch;
import dev.dataplane.tun.Readiness;
import dev.dataplane.tun.UdpSocket;

import java.io.IOException;

/**
 * Wire → inside device, run to completion on one thread a batch at a time: recvmmsg (GRO-coalesced runs split
 * into slots), the mode's {@link InboundTransform} checks and unwraps each datagram in place, the inner packets
 * are compacted and written in one batch (with TUN offloads, runs of one TCP flow go up as one super-packet).
 */
public final class WireToTun implements Runnable {
    private final Device device;
    private final InboundTransform transform;
    private final int slot;
    private final boolean sums;
    private final boolean authenticated;
    private volatile boolean running = true;
    private final RepeatedFailure receiveFailures = new RepeatedFailure(RepeatedFailure.INTERVAL_NANOS);
    /** Made by the thread that runs the loop, on its first batch. */
    private GrowingBatch buffers;
    /** The other direction's loop, on a thread of its own: replies to what this loop writes go out through it. */
    private TunToWire replies;
    /**
     * Where traffic brings no replies (a one-way UDP stream), looking for them costs a read per batch: after a look
     * that found nothing the next waits, twice as long each time up to {@link #MAX_REPLY_PAUSE_NANOS}.
     */
    private long replyPauseNanos, nextReplyLookNanos;
    static final long MIN_REPLY_PAUSE_NANOS = 16_000, MAX_REPLY_PAUSE_NANOS = 1_000_000;

    public WireToTun(Device device, InboundTransform transform, int slot) {
        this.device = device;
        this.transform = transform;
        this.slot = slot;
        this.sums = transform.keepsInnerBytes();
        this.authenticated = transform.authenticates();
    }

    public void stop() {
        running = false;
    }

    /**
     * Before the loop starts, when the other direction runs on a thread of its own: after each write to the inside
     * device this loop sends what the write made the kernel answer ({@link TunToWire#sendWaiting}).
     */
    void sendRepliesThrough(TunToWire outbound) {
        this.replies = outbound;
    }

    @Override
    public void run() {
        while (running) pump();
    }

    /**
     * Moves one batch: returns how many datagrams were received, 0 if none was waiting (only on a thread that asked
     * {@link Readiness#returnEmptyReads}) or the receive failed.
     */
    int pump() {
        if (buffers == null) buffers = new GrowingBatch(device, slot, 0, "inbound");
        PacketBatch batch = buffers.batch;
        batch.sumOnReceive(sums);
        batch.authenticated(authenticated);
        UdpSocket socket = device.socket();
        if (socket == null) {
            sleepBriefly();
            return 0;
        }
        int n;
        try {
            n = socket.receiveBatch(batch);
        } catch (Readiness.NothingWaiting e) {
            return 0;
        } catch (IOException e) {
            receiveFailed(socket, e);
            return 0;
        }
        int out = 0, slotSize = batch.slotSize();
        long now = device.clock().nanos();
        transform.begin(now);
        for (int i = 0; i < n; i++) {
            if (batch.length(i) >= slotSize) {   // filled its slot: probably cut short by the receive
                device.stats.drop(DropReason.OVERSIZE);
                continue;
            }
            int innerLen = transform.decapsulate(batch, i);
            if (innerLen <= 0) continue;
            // keep the inner packet for one batched write; slots before it that were dropped are reused (the
            // transform left slot i describing it)
            if (out != i) {
                int src = batch.offset(i), start = src - i * slotSize;
                batch.view().putBytes(out * slotSize + start, batch.view(), src, innerLen);
                batch.set(out, start, innerLen);
            }
            out++;
        }
        batch.count(out);
        if (out > 0) {
            try {
                device.tun.writeBatch(batch);
                if (replies != null && (replyPauseNanos == 0 || now - nextReplyLookNanos >= 0)) lookForReplies(now);
            } catch (IOException e) {
                for (int i = 0; i < out; i++) device.stats.drop(DropReason.IO_ERROR);
            }
        }
        buffers.growAfterOversize();   // a datagram did not fit (the peer's MTU is larger): carry the next ones
        return n;
    }

    private void lookForReplies(long now) {
        if (replies.sendWaiting()) {
            replyPauseNanos = 0;
        } else {
            replyPauseNanos = Math.clamp(2 * replyPauseNanos, MIN_REPLY_PAUSE_NANOS, MAX_REPLY_PAUSE_NANOS);
            nextReplyLookNanos = now + replyPauseNanos;
        }
    }

    private void receiveFailed(UdpSocket socket, IOException e) {
        if (running) receiveFailed(device, socket, e, receiveFailures);
    }

    /**
     * A running loop's receive failed (this one's, and the ring mode's UDP reader's). If the socket was closed
     * (shutdown, or a port change swapped it) the loop just takes the current one; otherwise it is a real error:
     * say so (at most once per interval of {@code failures}) and back off briefly.
     */
    static void receiveFailed(Device device, UdpSocket socket, IOException e, RepeatedFailure failures) {
        if (device.socket() != socket) return;
        String line = failures.line("UDP receive failed: " + e.getMessage(), device.clock().nanos());
        if (line != null) device.logLine(line);
        sleepBriefly();
    }

    static void sleepBriefly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
