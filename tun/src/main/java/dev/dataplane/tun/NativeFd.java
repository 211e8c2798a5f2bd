package dev.dataplane.tun;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A non-blocking file descriptor used by several threads and closed from any of them.
 *
 * <p>Every call brackets its use of the number with {@link #acquire()} / {@link #release()}, and the
 * number is closed only when the last user leaves: closing it under a running call could let the kernel
 * hand the same number to an unrelated open, and the call would then read someone else's file. Threads
 * waiting for readiness poll an eventfd beside the fd; {@link #close()} signals it, so they return at
 * once instead of after a timeout.
 */
final class NativeFd {
    private static final short POLLIN = 0x1, POLLOUT = 0x4;
    private static final int EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;

    /** Per-thread scratch: two struct pollfd at 0 and 8, the eventfd counter at 16. */
    private static final ThreadLocal<MemorySegment> SCRATCH = ThreadLocal.withInitial(() -> Arena.global().allocate(24, 8));

    private final int fd;
    private final int wakeFd;
    private final String what;
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicBoolean released = new AtomicBoolean();
    private final Runnable onFree;
    private volatile boolean closing;

    /** Takes ownership of {@code fd}; {@code what} names it in error messages ("tun0", "UDP socket"). */
    NativeFd(int fd, String what) throws IOException {
        this(fd, what, null);
    }

    /** As above; {@code onFree} runs once the fd is closed and no call holds it (to unmap what it mapped). */
    NativeFd(int fd, String what, Runnable onFree) throws IOException {
        this.fd = fd;
        this.what = what;
        this.onFree = onFree;
        int wake;
        try {
            wake = (int) Libc.EVENTFD.invokeExact(Libc.state(), 0, EFD_NONBLOCK | EFD_CLOEXEC);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (wake < 0) {
            int e = Libc.errno();
            Libc.close(fd);
            throw new IOException("eventfd for " + what + ": " + Libc.strerror(e));
        }
        this.wakeFd = wake;
    }

    String what() {
        return what;
    }

    boolean isOpen() {
        return !closing;
    }

    /** Marks the start of a call on the fd and returns the number; throws once the fd is closing. */
    int acquire() throws ClosedChannelException {
        if (closing) throw new ClosedChannelException();
        users.incrementAndGet();
        if (closing) {
            release();
            throw new ClosedChannelException();
        }
        return fd;
    }

    void release() {
        if (users.decrementAndGet() == 0 && closing) free();
    }

    /**
     * Waits, inside an acquire/release bracket, until the fd is readable (or writable); returns normally
     * when it is, and throws {@link AsynchronousCloseException} when the fd was closed meanwhile.
     */
    void await(boolean writable) throws IOException {
        if (!writable && Readiness.readsReturnEmpty()) throw Readiness.NOTHING_WAITING;
        poll(writable);
    }

    /**
     * Waits until the fd is readable, for a thread that is not inside a call on it (one that reads with
     * {@link Readiness#returnEmptyReads} and waits between reads); throws {@link ClosedChannelException} once the fd
     * is closing.
     */
    void awaitReadable() throws IOException {
        acquire();
        try {
            poll(false);
        } finally {
            release();
        }
    }

    private void poll(boolean writable) throws IOException {
        MemorySegment p = SCRATCH.get();
        p.set(JAVA_INT, 0, fd);
        p.set(JAVA_SHORT, 4, writable ? POLLOUT : POLLIN);
        p.set(JAVA_SHORT, 6, (short) 0);
        p.set(JAVA_INT, 8, wakeFd);
        p.set(JAVA_SHORT, 12, POLLIN);
        p.set(JAVA_SHORT, 14, (short) 0);
        while (true) {
            if (closing) throw new AsynchronousCloseException();
            int n = Libc.poll(p.address(), 2L, -1);
            if (n > 0) {
                if (p.get(JAVA_SHORT, 14) != 0 || closing) throw new AsynchronousCloseException();
                return;
            }
            if (n < 0 && Libc.errno() != Libc.EINTR) {
                throw new IOException("poll on " + what + ": " + Libc.strerror(Libc.errno()));
            }
        }
    }

    /**
     * Waits until either fd is readable or either is closing, polling both with their wake-up eventfds. The caller
     * holds neither; a fd closing meanwhile makes this return (the caller's next call on it throws), one closed
     * already makes it throw {@link ClosedChannelException}.
     */
    static void awaitEitherReadable(NativeFd a, NativeFd b) throws IOException {
        int fa = a.acquire();
        try {
            int fb = b.acquire();
            try {
                MemorySegment p = EITHER.get();
                p.set(JAVA_INT, 0, fa);
                p.set(JAVA_INT, 8, a.wakeFd);
                p.set(JAVA_INT, 16, fb);
                p.set(JAVA_INT, 24, b.wakeFd);
                for (int i = 0; i < 4; i++) {
                    p.set(JAVA_SHORT, 8L * i + 4, POLLIN);
                    p.set(JAVA_SHORT, 8L * i + 6, (short) 0);
                }
                while (!a.closing && !b.closing) {
                    int n = Libc.poll(p.address(), 4L, -1);
                    if (n > 0) return;
                    if (n < 0 && Libc.errno() != Libc.EINTR) {
                        throw new IOException("poll on " + a.what + " and " + b.what + ": " + Libc.strerror(Libc.errno()));
                    }
                }
            } finally {
                b.release();
            }
        } finally {
            a.release();
        }
    }

    /** Per-thread scratch for {@link #awaitEitherReadable}: four struct pollfd. */
    private static final ThreadLocal<MemorySegment> EITHER = ThreadLocal.withInitial(() -> Arena.global().allocate(32, 8));

    /**
     * Stops new calls, wakes waiting ones, and closes the fd once no call holds it. Returns when the fd is
     * closed (calls in progress leave within a syscall), or after two seconds if a call is stuck.
     */
    void close() {
        if (closing) {
            awaitFree();
            return;
        }
        closing = true;
        MemorySegment p = SCRATCH.get();
        p.set(JAVA_LONG, 16, 1L);
        Libc.write(wakeFd, p.address() + 16, 8L);
        if (users.get() == 0) free();
        awaitFree();
    }

    private void awaitFree() {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (!released.get() && System.nanoTime() < deadline) LockSupport.parkNanos(20_000);
    }

    private void free() {
        if (released.compareAndSet(false, true)) {
            Libc.close(fd);
            Libc.close(wakeFd);
            if (onFree != null) onFree.run();
        }
    }
}
