package dev.dataplane.device;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The inside face of a tunnel: where plaintext IP packets come from and go to. In production a TUN
 * device; in protocol tests an in-memory queue, so engine behaviour is tested without root.
 */
public interface PacketDevice extends AutoCloseable {
    int mtu();

    /** Blocks for the next packet, copies it to {@code buf} at {@code off}; returns its length. */
    int read(ByteBuffer buf, int off, int maxLen) throws IOException;

    void write(ByteBuffer buf, int off, int len) throws IOException;

    @Override
    void close();

    /** Packets the device had to drop because they were larger than the engine's buffers. */
    default long oversizeDrops() {
        return 0;
    }

    /** Writes slots [0, count) of {@code batch}; this default writes one at a time. */
    default void writeBatch(dev.dataplane.tun.PacketBatch batch) throws IOException {
        for (int i = 0; i < batch.count(); i++) write(batch.buffer(), batch.offset(i), batch.length(i));
    }

    /**
     * Reads at least one and up to the batch's capacity of waiting packets into slots [0, n), each at the
     * batch's headroom; returns n. This default reads one; a TUN device drains what is queued.
     */
    default int readBatch(dev.dataplane.tun.PacketBatch batch) throws IOException {
        batch.clear();
        int n = read(batch.buffer(), batch.offset(0), batch.maxPacket());
        batch.length(0, n);
        batch.count(1);
        return 1;
    }

    /**
     * A device with nothing behind it, of the given MTU: for driving a mode's transforms directly on batches
     * (transform tests, JMH path benchmarks), where the data threads never start. Reading or writing it fails.
     */
    static PacketDevice unattached(int mtu) {
        return new PacketDevice() {
            @Override
            public int mtu() {
                return mtu;
            }

            @Override
            public int read(ByteBuffer buf, int off, int maxLen) {
                throw new UnsupportedOperationException("an unattached device has no packets");
            }

            @Override
            public void write(ByteBuffer buf, int off, int len) {
                throw new UnsupportedOperationException("an unattached device takes no packets");
            }

            @Override
            public void close() {}
        };
    }

    /** The TUN/TAP device behind this one, if it is one (a thread can then wait on it beside a socket). */
    default dev.dataplane.tun.TunDevice tunDevice() {
        return null;
    }

    /** Adapts the TUN device of the I/O layer. */
    static PacketDevice of(dev.dataplane.tun.TunDevice tun) {
        return new PacketDevice() {
            @Override
            public int mtu() {
                return tun.mtu();
            }

            @Override
            public int read(ByteBuffer buf, int off, int maxLen) throws IOException {
                return tun.read(buf, off, maxLen);
            }

            @Override
            public void write(ByteBuffer buf, int off, int len) throws IOException {
                tun.write(buf, off, len);
            }

            @Override
            public int readBatch(dev.dataplane.tun.PacketBatch batch) throws IOException {
                batch.clear();
                return tun.readBatch(batch);
            }

            @Override
            public void writeBatch(dev.dataplane.tun.PacketBatch batch) throws IOException {
                tun.writeBatch(batch);
            }

            @Override
            public dev.dataplane.tun.TunDevice tunDevice() {
                return tun;
            }

            @Override
            public long oversizeDrops() {
                return tun.oversizeDrops();
            }

            @Override
            public void close() {
                tun.close();
            }
        };
    }
}
