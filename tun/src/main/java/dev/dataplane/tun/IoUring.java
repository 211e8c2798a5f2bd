package dev.dataplane.tun;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A minimal io_uring bound through the FFM API: io_uring_setup and io_uring_enter through syscall(2), the
 * submission and completion rings mmapped and read and written in place. Enough to queue many reads or
 * writes and submit them with one system call; one thread at a time uses a ring.
 *
 * <p>Layouts are the kernel's uapi ones (include/uapi/linux/io_uring.h). The submission array is filled
 * once with the identity, so an SQE's index is simply the tail it was queued at.
 */
final class IoUring implements AutoCloseable {
    static final int OP_WRITEV = 2, OP_READ = 22, OP_WRITE = 23;
    /** RWF_NOWAIT: fail with -EAGAIN instead of parking the request until the file is ready. */
    static final int RWF_NOWAIT = 0x8;
    private static final long SYS_IO_URING_SETUP = 425, SYS_IO_URING_ENTER = 426;
    private static final int ENTER_GETEVENTS = 1;
    private static final int FEAT_SINGLE_MMAP = 1;
    private static final int SETUP_CLAMP = 1 << 4, SETUP_SUBMIT_ALL = 1 << 7, SETUP_COOP_TASKRUN = 1 << 8;
    private static final long OFF_SQ_RING = 0L, OFF_CQ_RING = 0x8000000L, OFF_SQES = 0x10000000L;
    private static final int PROT_READ_WRITE = 3, MAP_SHARED_POPULATE = 0x01 | 0x8000;
    private static final int SQE_SIZE = 64, CQE_SIZE = 16;
    private static final int PARAMS_SIZE = 120, SQ_OFF = 40, CQ_OFF = 80;

    private final NativeFd ring;
    private final UnsafeBuffer sq, cq, sqes;
    private final int sqTail, sqMask, cqHead, cqTail, cqMask, cqes;
    final int entries;
    private int queued;  // SQEs filled since the last submit
    private int tail;    // our copy of the SQ tail

    private IoUring(NativeFd ring, int entries, UnsafeBuffer sq, UnsafeBuffer cq, UnsafeBuffer sqes, MemorySegment p) {
        this.ring = ring;
        this.entries = entries;
        this.sq = sq;
        this.cq = cq;
        this.sqes = sqes;
        this.sqTail = p.get(JAVA_INT, SQ_OFF + 4);
        this.sqMask = sq.getInt(p.get(JAVA_INT, SQ_OFF + 8));
        this.cqHead = p.get(JAVA_INT, CQ_OFF);
        this.cqTail = p.get(JAVA_INT, CQ_OFF + 4);
        this.cqMask = cq.getInt(p.get(JAVA_INT, CQ_OFF + 8));
        this.cqes = p.get(JAVA_INT, CQ_OFF + 20);
        this.tail = sq.getIntVolatile(sqTail);
        int array = p.get(JAVA_INT, SQ_OFF + 24);
        for (int i = 0; i < entries; i++) sq.putInt(array + i * 4, i);
    }

    /** Sets up a ring of {@code entries} submission slots (a power of two, clamped by the kernel). */
    static IoUring open(int entries) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocate(PARAMS_SIZE, 8);
            p.fill((byte) 0);
            p.set(JAVA_INT, 8, SETUP_CLAMP | SETUP_SUBMIT_ALL | SETUP_COOP_TASKRUN);
            long fd = (long) Libc.SYSCALL3.invokeExact(Libc.state(), SYS_IO_URING_SETUP, (long) entries, p.address(), 0L);
            if (fd < 0) {
                int e = Libc.errno();
                if (e != Libc.EINVAL) throw new IOException("io_uring_setup: " + Libc.strerror(e));
                // kernels before 5.19 reject COOP_TASKRUN: try without
                p.fill((byte) 0);
                p.set(JAVA_INT, 8, SETUP_CLAMP);
                fd = (long) Libc.SYSCALL3.invokeExact(Libc.state(), SYS_IO_URING_SETUP, (long) entries, p.address(), 0L);
                if (fd < 0) throw new IOException("io_uring_setup: " + Libc.strerror(Libc.errno()));
            }
            int ringFd = (int) fd;
            int sqEntries = p.get(JAVA_INT, 0), cqEntries = p.get(JAVA_INT, 4), features = p.get(JAVA_INT, 20);
            long sqLen = p.get(JAVA_INT, SQ_OFF + 24) + 4L * sqEntries;
            long cqLen = p.get(JAVA_INT, CQ_OFF + 20) + (long) CQE_SIZE * cqEntries;
            boolean single = (features & FEAT_SINGLE_MMAP) != 0;
            if (single) sqLen = cqLen = Math.max(sqLen, cqLen);
            long sqAddr = mmap(ringFd, sqLen, OFF_SQ_RING);
            long cqAddr = single ? sqAddr : mmap(ringFd, cqLen, OFF_CQ_RING);
            long sqesLen = (long) SQE_SIZE * sqEntries;
            long sqesAddr = mmap(ringFd, sqesLen, OFF_SQES);
            if (sqAddr == -1 || cqAddr == -1 || sqesAddr == -1) {
                int e = Libc.errno();
                unmap(sqAddr, sqLen);
                if (!single) unmap(cqAddr, cqLen);
                unmap(sqesAddr, sqesLen);
                Libc.close(ringFd);
                throw new IOException("mmap of io_uring rings: " + Libc.strerror(e));
            }
            final long sqL = sqLen, cqL = cqLen;
            NativeFd owner = new NativeFd(ringFd, "io_uring", () -> {
                unmap(sqesAddr, sqesLen);
                if (!single) unmap(cqAddr, cqL);
                unmap(sqAddr, sqL);
            });
            return new IoUring(owner, sqEntries, new UnsafeBuffer(sqAddr, (int) sqLen), new UnsafeBuffer(cqAddr, (int) cqLen),
                    new UnsafeBuffer(sqesAddr, (int) sqesLen), p);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static long mmap(int fd, long length, long offset) throws Throwable {
        return (long) Libc.MMAP.invokeExact(Libc.state(), 0L, length, PROT_READ_WRITE, MAP_SHARED_POPULATE, fd, offset);
    }

    private static void unmap(long address, long length) {
        if (address == -1 || address == 0) return;
        try {
            int ignored = (int) Libc.MUNMAP.invokeExact(Libc.state(), address, length);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Queues one operation; at most {@link #entries} between submits. */
    void prep(int opcode, int fd, long address, int length, long userData) {
        prep(opcode, fd, address, length, 0, userData);
    }

    /** Queues one operation with read/write flags (RWF_*). */
    void prep(int opcode, int fd, long address, int length, int rwFlags, long userData) {
        int s = (tail & sqMask) * SQE_SIZE;
        sqes.setMemory(s, SQE_SIZE, (byte) 0);
        sqes.putByte(s, (byte) opcode);
        sqes.putInt(s + 4, fd);
        sqes.putLong(s + 16, address);
        sqes.putInt(s + 24, length);
        sqes.putInt(s + 28, rwFlags);
        sqes.putLong(s + 32, userData);
        tail++;
        queued++;
    }

    /**
     * Publishes the queued SQEs and enters the kernel once, waiting until {@code waitFor} completions are
     * ready. Returns the number submitted.
     */
    int submitAndWait(int waitFor) throws IOException {
        sq.putIntRelease(sqTail, tail);
        int toSubmit = queued;
        int f = ring.acquire();
        try {
            while (true) {
                long r = Libc.syscall6(SYS_IO_URING_ENTER, (long) f, (long) toSubmit,
                        (long) waitFor, (long) (waitFor > 0 ? ENTER_GETEVENTS : 0), 0L, 0L);
                if (r >= 0) {
                    queued -= (int) r;
                    return (int) r;
                }
                int e = Libc.errno();
                if (e != Libc.EINTR && e != Libc.EAGAIN && e != Libc.EBUSY) {
                    throw new IOException("io_uring_enter: " + Libc.strerror(e));
                }
                if (e != Libc.EINTR) Thread.onSpinWait(); // completion queue full for a moment
            }
        } finally {
            ring.release();
        }
    }

    /** Consumes every ready completion: {@code results[userData] = res}. Returns how many. */
    int reap(int[] results) {
        int head = cq.getInt(cqHead);
        int end = cq.getIntAcquire(cqTail);
        int n = 0;
        for (; head != end; head++, n++) {
            int c = cqes + (head & cqMask) * CQE_SIZE;
            results[(int) cq.getLong(c)] = cq.getInt(c + 8);
        }
        cq.putIntRelease(cqHead, head);
        return n;
    }

    @Override
    public void close() {
        ring.close();
    }
}
