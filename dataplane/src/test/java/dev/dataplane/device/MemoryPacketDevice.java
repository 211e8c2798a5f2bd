package dev.dataplane.device;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An in-memory TUN: the test injects packets as the host would and collects what the engine delivers. */
final class MemoryPacketDevice implements PacketDevice {
    private static final byte[] CLOSED = new byte[0];
    private final BlockingQueue<byte[]> fromHost = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> toHost = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private volatile RuntimeException failNextRead;

    /** The next read throws {@code e}, as a bug in the I/O layer would. */
    void failNextRead(RuntimeException e) {
        failNextRead = e;
        fromHost.add(new byte[0]);
    }

    @Override
    public int mtu() {
        return 1420;
    }

    /** The host sends {@code packet} into the tunnel. */
    void inject(byte[] packet) {
        fromHost.add(packet);
    }

    /** Next packet the engine delivered to the host, or null after {@code ms}. */
    byte[] delivered(long ms) throws InterruptedException {
        return toHost.poll(ms, TimeUnit.MILLISECONDS);
    }

    int pendingDelivered() {
        return toHost.size();
    }

    @Override
    public int read(ByteBuffer buf, int off, int maxLen) throws IOException {
        try {
            byte[] p = fromHost.take();
            if (p == CLOSED) throw new IOException("closed");
            RuntimeException fail = failNextRead;
            if (fail != null) {
                failNextRead = null;
                throw fail;
            }
            buf.put(off, p, 0, Math.min(p.length, maxLen));
            return Math.min(p.length, maxLen);
        } catch (InterruptedException e) {
            throw new IOException("interrupted");
        }
    }

    @Override
    public void write(ByteBuffer buf, int off, int len) {
        byte[] p = new byte[len];
        buf.get(off, p);
        toHost.add(p);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            fromHost.add(CLOSED);
        }
    }
}
