package dev.dataplane.tun;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;

/**
 * {@link TunIo} through io_uring: a batch of reads (or writes) is one io_uring_enter instead of one system
 * call per packet. TUN has no recvmmsg, so this is where batching pays.
 *
 * <p>Every request carries RWF_NOWAIT, so the kernel runs it inline and completes it with -EAGAIN when no
 * packet waits. (O_NONBLOCK on the fd is not enough: io_uring parks such a read on the TUN's poll queue
 * until a packet comes, measured on Linux 6.18.) So nothing stays in flight between calls, and the caller's
 * buffers are free when a call returns. Reads are queued adaptively (twice what the last batch found, at least
 * {@link #MIN_READS}) so a light load does not pay for many empty reads. Only when every read found nothing
 * does the reader wait, in poll(2).
 *
 * <p>Reading and writing threads differ, so each direction has its own ring, made by the first call.
 */
final class UringTunIo implements TunIo {
    static final int MIN_READS = 4, RING_ENTRIES = 128;

    private final NativeFd fd;
    private IoUring readRing, writeRing;
    private int readDepth = MIN_READS;
    private final int[] readResults = new int[RING_ENTRIES], writeResults = new int[RING_ENTRIES];
    private final UnsafeBuffer from = new UnsafeBuffer(0, 0), to = new UnsafeBuffer(0, 0);
    private final SyscallTunIo fallback;
    private final java.util.List<IoUring> rings = new java.util.ArrayList<>(2);
    private boolean closed;

    private UringTunIo(NativeFd fd) {
        this.fd = fd;
        this.fallback = new SyscallTunIo(fd);
    }

    /** An io_uring path for {@code fd}, or null where io_uring is unavailable (old kernel, disabled by sysctl). */
    static TunIo openOrNull(NativeFd fd) {
        try {
            IoUring.open(4).close();
            return new UringTunIo(fd);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public int read(long base, int stride, int room, int count, int[] lengths) throws IOException {
        IoUring ring = readRing;
        if (ring == null) ring = readRing = open();
        while (true) {
            int want = Math.min(Math.min(count, readDepth), ring.entries);
            int f = fd.acquire();
            int n = 0, error = 0;
            try {
                for (int i = 0; i < want; i++) ring.prep(IoUring.OP_READ, f, base + (long) i * stride, room, IoUring.RWF_NOWAIT, i);
                ring.submitAndWait(want);
                ring.reap(readResults);
                for (int i = 0; i < want; i++) {
                    int r = readResults[i];
                    if (r >= 0) {
                        if (i != n) move(base + (long) i * stride, base + (long) n * stride, r); // a packet arrived mid-batch
                        lengths[n++] = r;
                    } else if (r != -Libc.EAGAIN && r != -Libc.EINTR) {
                        error = -r;
                    }
                }
            } finally {
                fd.release();
            }
            readDepth = n == want ? Math.min(want * 2, RING_ENTRIES) : Math.max(MIN_READS, n * 2);
            if (n > 0) return n;
            if (error != 0) throw new IOException("read from " + fd.what() + ": " + Libc.strerror(error));
            awaitReadable();
        }
    }

    private void awaitReadable() throws IOException {
        int f = fd.acquire();
        try {
            fd.await(false);
        } finally {
            fd.release();
        }
    }

    private void move(long src, long dst, int length) {
        from.wrap(src, length);
        to.wrap(dst, length);
        to.putBytes(0, from, 0, length);
    }

    @Override
    public int write(FrameList frames) throws IOException {
        IoUring ring = writeRing;
        if (ring == null) ring = writeRing = open();
        int written = 0, lastError = 0;
        for (int first = 0; first < frames.frames(); ) {
            int k = Math.min(frames.frames() - first, ring.entries);
            int f = fd.acquire();
            try {
                for (int i = 0; i < k; i++) ring.prep(IoUring.OP_WRITEV, f, frames.iovAddress(first + i), frames.iovCount(first + i),
                        IoUring.RWF_NOWAIT, i);
                ring.submitAndWait(k);
                ring.reap(writeResults);
            } finally {
                fd.release();
            }
            for (int i = 0; i < k; i++) {
                int r = writeResults[i];
                if (r >= 0) {
                    written += frames.packets(first + i);
                } else if (r == -Libc.EAGAIN) {
                    written += fallback.writeOne(frames, first + i); // queue full for a moment: wait and retry
                } else {
                    lastError = -r;
                }
            }
            first += k;
        }
        if (written == 0 && lastError != 0) throw new IOException("write to " + fd.what() + ": " + Libc.strerror(lastError));
        return written;
    }

    /** Made lazily by the thread that uses it; serialised with close so no ring outlives the device. */
    private synchronized IoUring open() throws IOException {
        if (closed) throw new java.nio.channels.ClosedChannelException();
        IoUring ring = IoUring.open(RING_ENTRIES);
        rings.add(ring);
        return ring;
    }

    /** Called after the TUN fd is closed, so no reader or writer is inside a ring any more. */
    @Override
    public synchronized void close() {
        closed = true;
        for (IoUring ring : rings) ring.close();
        rings.clear();
    }
}
