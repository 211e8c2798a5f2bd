package dev.dataplane.tun;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A Linux TUN device (IFF_TUN | IFF_NO_PI) made through /dev/net/tun, carrying IP packets. The device is not
 * persistent: it disappears when {@link #close()} closes its fd.
 *
 * <p>Reads and writes come one packet per call ({@link #read}, {@link #write}) or a batch per call
 * ({@link #readBatch}, {@link #writeBatch}). With {@link TunOptions#offloads()} the kernel passes TCP/UDP
 * super-packets of up to 64 KB; reads split them into MTU-sized packets with valid checksums, and batch
 * writes coalesce TCP segments back into super-packets. Callers see plain IP packets either way.
 *
 * <p>Threads: one thread at a time reads, one at a time writes (they may differ), and any thread may
 * close. The fd is non-blocking underneath; a read that finds nothing waits in poll(2) beside a wake-up
 * eventfd, so {@link #close()} ends it at once.
 */
public final class TunDevice implements AutoCloseable {
    /** A frame read with offloads: virtio_net_hdr + the largest IP packet, rounded to a cache line. */
    static final int FRAME_SIZE = 65600;
    /** An untagged Ethernet header, before each packet of a TAP device. */
    public static final int ETHERNET_HEADER = 14;
    /** Frames read per system call (or io_uring submission) with offloads. */
    static final int FRAMES = 8;
    private static final int TUN_F_CSUM = 0x01, TUN_F_TSO4 = 0x02, TUN_F_TSO6 = 0x04, TUN_F_USO4 = 0x20, TUN_F_USO6 = 0x40;

    private final String name;
    private final int mtu;
    private volatile long oversizeDrops;   // one writer: the reading thread
    private final NativeFd fd;
    private final boolean vnetHdr;
    private final int offloadFlags;
    private final SyscallTunIo direct;
    private final TunIo io;

    // reader state: frames read with offloads and the one being split
    private UnsafeBuffer frames;
    private int[] frameLengths;
    private int framesRead, frameIndex;
    private final GsoSplitter splitter;
    private final boolean tap;
    private final UnsafeBuffer userView = new UnsafeBuffer(0, 0);
    private int[] lengths = new int[0];

    // writer state
    private TcpCoalescer coalescer;
    private PlainFrames plainFrames;
    private final ThreadLocal<PlainFrames> singleFrame;

    private TunDevice(String name, int mtu, NativeFd fd, boolean vnetHdr, int offloadFlags, TunIo io, boolean tap) {
        this.name = name;
        this.tap = tap;
        this.splitter = new GsoSplitter(tap ? ETHERNET_HEADER : 0);
        this.mtu = mtu;
        this.fd = fd;
        this.vnetHdr = vnetHdr;
        this.offloadFlags = offloadFlags;
        this.direct = new SyscallTunIo(fd);
        this.io = io == null ? direct : io;
        this.singleFrame = ThreadLocal.withInitial(() -> new PlainFrames(1, vnetHdr));
    }

    /**
     * Creates TUN device {@code name} with {@code mtu} and brings it up, with plain packets and one system call
     * per packet. Refuses a name that already exists, so two processes never share a device by accident.
     */
    public static TunDevice create(String name, int mtu) throws TunException {
        return create(name, mtu, TunOptions.DEFAULT);
    }

    /** As {@link #create(String, int)}, with offloads and io_uring as {@code options} ask (where the kernel can). */
    public static TunDevice create(String name, int mtu, TunOptions options) throws TunException {
        int raw = TunSetup.open(name, options.offloads(), options.tap());
        NativeFd fd;
        try {
            fd = new NativeFd(raw, name);
        } catch (IOException e) {
            throw new TunException("creating " + name + ": " + e.getMessage());
        }
        int flags = 0;
        if (options.offloads()) {
            // USO arrived in Linux 6.2; older kernels refuse the whole call, so retry with TSO only
            int tso = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
            if (TunSetup.setOffload(raw, tso | TUN_F_USO4 | TUN_F_USO6) == 0) {
                flags = tso | TUN_F_USO4 | TUN_F_USO6;
            } else if (TunSetup.setOffload(raw, tso) == 0) {
                flags = tso;
            }
        }
        TunIo io = options.ioUring() ? UringTunIo.openOrNull(fd) : null;
        TunDevice tun = new TunDevice(name, mtu, fd, options.offloads(), flags, io, options.tap());
        try {
            TunSetup.setMtuAndUp(name, mtu);
        } catch (TunException e) {
            tun.close();
            throw e;
        }
        return tun;
    }

    public String name() {
        return name;
    }

    public int mtu() {
        return mtu;
    }

    /** True for a TAP device: packets are Ethernet frames. */
    public boolean isTap() {
        return tap;
    }

    /** Packets split from a super-packet that were larger than the batch's slots, dropped (reader thread writes). */
    public long oversizeDrops() {
        return oversizeDrops;
    }

    /** True if the kernel passes super-packets (TSO) to this device, which reads split. */
    public boolean offloads() {
        return (offloadFlags & TUN_F_TSO4) != 0;
    }

    /** True if batches go through an io_uring. */
    public boolean usesIoUring() {
        return io != direct;
    }

    /** Super-packets split by reads so far. */
    long superPacketsRead() {
        return splitter.superPackets;
    }

    /** Super-packets written by coalescing so far. */
    long superPacketsWritten() {
        return coalescer == null ? 0 : coalescer.superPackets;
    }

    /** The TUN_F_* bits the kernel accepted (0 without offloads). */
    int offloadFlags() {
        return offloadFlags;
    }

    /**
     * Reads one IP packet into {@code directBuf} at {@code off}; blocks until one arrives. A packet longer
     * than {@code maxLen} is truncated (without offloads) or dropped (with offloads, where one read may
     * yield a segment of a larger super-packet).
     *
     * @throws java.nio.channels.AsynchronousCloseException if the device is closed while waiting
     */
    public int read(ByteBuffer directBuf, int off, int maxLen) throws IOException {
        if (vnetHdr) {
            userView.wrap(directBuf);
            return readOffloaded(null, userView, off, maxLen);
        }
        long address = BufferUtil.address(directBuf) + off;
        int f = fd.acquire();
        try {
            while (true) {
                long n = Libc.read(f, address, (long) maxLen);
                if (n >= 0) return (int) n;
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    fd.await(false);
                } else if (e != Libc.EINTR) {
                    throw new IOException("read from " + name + ": " + Libc.strerror(e));
                }
            }
        } finally {
            fd.release();
        }
    }

    NativeFd nativeFd() {
        return fd;
    }

    /**
     * Whether segments of a super-packet already read (with offloads) wait here for the next {@link #readBatch}: then
     * the fd may not poll readable although packets are waiting.
     */
    public boolean holdsPackets() {
        return frames != null && (splitter.hasNext() || frameIndex + 1 < framesRead);
    }

    /**
     * Reads as many packets as are waiting (at least one, at most the batch's capacity) into slots
     * {@code [0, n)} of {@code batch}; blocks until one arrives. Returns {@code n}, also the batch count.
     */
    public int readBatch(PacketBatch batch) throws IOException {
        int n;
        if (vnetHdr) {
            n = readOffloaded(batch, null, 0, 0);
        } else {
            if (lengths.length < batch.capacity()) lengths = new int[batch.capacity()];
            n = io.read(batch.slotAddress(0) + batch.headroom(), batch.slotSize(), batch.maxPacket(), batch.capacity(), lengths);
            for (int i = 0; i < n; i++) batch.filled(i, lengths[i]);
        }
        batch.count(n);
        return n;
    }

    /**
     * Hands out packets split from frames: into {@code batch} if given (as many as fit), else one into
     * {@code single} at {@code singleOff}. Reads more frames only when none is left, and blocks only if
     * nothing was handed out yet.
     */
    private int readOffloaded(PacketBatch batch, UnsafeBuffer single, int singleOff, int singleRoom) throws IOException {
        if (frames == null) {
            frames = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FRAMES * FRAME_SIZE, 64));
            frameLengths = new int[FRAMES];
        }
        int n = 0, capacity = batch == null ? 1 : batch.capacity();
        while (n < capacity) {
            if (splitter.hasNext()) {
                int len = batch == null
                        ? splitter.next(single, singleOff, singleRoom)
                        : splitter.next(batch.view(), batch.slotOffset(n) + batch.headroom(), batch.maxPacket());
                if (len < 0) {           // did not fit its slot: dropped, and counted for the device's metrics
                    oversizeDrops++;
                    continue;
                }
                if (batch == null) return len;
                batch.filled(n++, len);
            } else if (frameIndex + 1 < framesRead) {
                frameIndex++;
                splitter.load(frames, frameIndex * FRAME_SIZE, frameLengths[frameIndex]);
            } else if (n > 0) {
                break;
            } else {
                framesRead = io.read(frames.addressOffset(), FRAME_SIZE, FRAME_SIZE, FRAMES, frameLengths);
                frameIndex = -1;
            }
        }
        return n;
    }

    /**
     * Writes one IP packet. A packet the kernel refuses (malformed, too big) is reported by an exception;
     * it is never retried.
     */
    public int write(ByteBuffer directBuf, int off, int len) throws IOException {
        long address = BufferUtil.address(directBuf) + off;
        if (vnetHdr) {
            direct.write(singleFrame.get().of(address, len));
            return len;
        }
        int f = fd.acquire();
        try {
            while (true) {
                long n = Libc.write(f, address, (long) len);
                if (n >= 0) return (int) n;
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    fd.await(true);
                } else if (e != Libc.EINTR) {
                    throw new IOException("write to " + name + ": " + Libc.strerror(e));
                }
            }
        } finally {
            fd.release();
        }
    }

    /**
     * Writes slots {@code [0, count)} of {@code batch}; returns how many packets the kernel took. With
     * offloads, runs of TCP segments of one flow are written as one super-packet. A packet the kernel refuses
     * (malformed) is skipped; the call throws only if none could be written.
     */
    public int writeBatch(PacketBatch batch) throws IOException {
        if (batch.count() == 0) return 0;
        if (vnetHdr) {   // runs of one TCP flow go up as one super-packet (on a TAP device, one super-frame)
            if (coalescer == null || coalescer.capacity() < batch.capacity()) {
                coalescer = new TcpCoalescer(batch.capacity(), tap ? ETHERNET_HEADER : 0);
            }
            coalescer.plan(batch);
            return io.write(coalescer);
        }
        if (plainFrames == null || plainFrames.capacity() < batch.capacity()) plainFrames = new PlainFrames(batch.capacity(), vnetHdr);
        return io.write(plainFrames.of(batch));
    }

    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Closes the device; blocked reads end with an exception and the interface vanishes. Idempotent. */
    @Override
    public void close() {
        fd.close(); // returns once no reader or writer holds the fd, so the rings below are idle
        io.close();
    }
}
