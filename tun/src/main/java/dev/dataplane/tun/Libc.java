package dev.dataplane.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libc calls the I/O layer needs, bound once through the FFM API. Packet buffers and kernel structs are
 * passed as raw addresses (longs) so a call allocates nothing; every call captures errno into a per-thread
 * segment so failures can be reported in words.
 */
final class Libc {
    static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, EBADF = 9, EAGAIN = 11, ENOMEM = 12, EACCES = 13,
            EBUSY = 16, EEXIST = 17, ENODEV = 19, EINVAL = 22, EMSGSIZE = 90, ENOPROTOOPT = 92, EOPNOTSUPP = 95,
            EADDRINUSE = 98, ECANCELED = 125;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    static final MethodHandle IOCTL = bind("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(2));
    static final MethodHandle READ = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    static final MethodHandle WRITEV = bind("writev", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle SOCKET = bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    static final MethodHandle SETSOCKOPT = bind("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    static final MethodHandle GETSOCKNAME = bind("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    static final MethodHandle RECVFROM = bind("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    static final MethodHandle SENDTO = bind("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    static final MethodHandle RECVMMSG = bind("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG));
    static final MethodHandle SENDMMSG = bind("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT));
    static final MethodHandle MMAP = bind("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    static final MethodHandle MUNMAP = bind("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    /** syscall(2) with three arguments, for io_uring_setup. */
    static final MethodHandle SYSCALL3 = bind("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    /** syscall(2) with six arguments, for io_uring_enter. */
    static final MethodHandle SYSCALL6 = bind("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

    /** Per-thread errno capture segment, allocated once per thread and never freed (threads are few). */
    private static final ThreadLocal<MemorySegment> STATE = ThreadLocal.withInitial(() -> Arena.global().allocate(CAPTURE));

    private Libc() {}

    private static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, options);
    }

    static MemorySegment state() {
        return STATE.get();
    }

    /** errno of this thread's last call made through a handle of this class. */
    static int errno() {
        return (int) ERRNO.get(STATE.get(), 0L);
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    // Hot calls. The linker slices the errno-capture segment on every captured call, in a JDK method that is
    // not force-inlined, so whether that slice is scalar-replaced depends on C2's inlining mood: measured,
    // some compilations allocate 40 bytes per call for good. So the hot calls go out without capture first,
    // and only a call that failed (returned -1) is made again with capture to learn errno. Every call here
    // fails without side effects (nothing read, written, received, sent or submitted), so repeating it is
    // safe; the repeat may even succeed, and then its result counts. The cost is a second system call on
    // failures, which here are mostly EAGAIN right before a poll(2) wait.

    private static final MethodHandle READ_FAST = fast("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle WRITE_FAST = fast("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle WRITEV_FAST = fast("writev", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle POLL_FAST = fast("poll", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECVFROM_FAST = fast("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle SENDTO_FAST = fast("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECVMMSG_FAST = fast("recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle SENDMMSG_FAST = fast("sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT));
    private static final MethodHandle SYSCALL6_FAST = LINKER.downcallHandle(LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));

    private static MethodHandle fast(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
    }

    static long read(int fd, long address, long length) {
        try {
            long r = (long) READ_FAST.invokeExact(fd, address, length);
            return r >= 0 ? r : (long) READ.invokeExact(state(), fd, address, length);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** read(2) without errno: -1 on any failure. For callers that only need "nothing more right now". */
    static long readNoErrno(int fd, long address, long length) {
        try {
            return (long) READ_FAST.invokeExact(fd, address, length);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long write(int fd, long address, long length) {
        try {
            long r = (long) WRITE_FAST.invokeExact(fd, address, length);
            return r >= 0 ? r : (long) WRITE.invokeExact(state(), fd, address, length);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long writev(int fd, long iov, int count) {
        try {
            long r = (long) WRITEV_FAST.invokeExact(fd, iov, count);
            return r >= 0 ? r : (long) WRITEV.invokeExact(state(), fd, iov, count);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int poll(long fds, long count, int timeoutMs) {
        try {
            int r = (int) POLL_FAST.invokeExact(fds, count, timeoutMs);
            return r >= 0 ? r : (int) POLL.invokeExact(state(), fds, count, timeoutMs);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long recvfrom(int fd, long address, long length, int flags, long from, long fromLen) {
        try {
            long r = (long) RECVFROM_FAST.invokeExact(fd, address, length, flags, from, fromLen);
            return r >= 0 ? r : (long) RECVFROM.invokeExact(state(), fd, address, length, flags, from, fromLen);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long sendto(int fd, long address, long length, int flags, long to, int toLen) {
        try {
            long r = (long) SENDTO_FAST.invokeExact(fd, address, length, flags, to, toLen);
            return r >= 0 ? r : (long) SENDTO.invokeExact(state(), fd, address, length, flags, to, toLen);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int recvmmsg(int fd, long msgs, int count, int flags) {
        try {
            int r = (int) RECVMMSG_FAST.invokeExact(fd, msgs, count, flags, 0L);
            return r >= 0 ? r : (int) RECVMMSG.invokeExact(state(), fd, msgs, count, flags, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int sendmmsg(int fd, long msgs, int count, int flags) {
        try {
            int r = (int) SENDMMSG_FAST.invokeExact(fd, msgs, count, flags);
            return r >= 0 ? r : (int) SENDMMSG.invokeExact(state(), fd, msgs, count, flags);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static long syscall6(long number, long a, long b, long c, long d, long e, long f) {
        try {
            long r = (long) SYSCALL6_FAST.invokeExact(number, a, b, c, d, e, f);
            return r >= 0 ? r : (long) SYSCALL6.invokeExact(state(), number, a, b, c, d, e, f);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(state(), fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Sets an int socket option; returns errno, 0 on success. */
    static int setsockopt(int fd, int level, int option, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            int rc = (int) SETSOCKOPT.invokeExact(state(), fd, level, option, v.address(), 4);
            return rc < 0 ? errno() : 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** ioctl with a pointer argument; returns errno, 0 on success. */
    static int ioctl(int fd, long request, MemorySegment arg) {
        try {
            int rc = (int) IOCTL.invokeExact(state(), fd, request, arg.address());
            return rc < 0 ? errno() : 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** ioctl with an integer argument; returns errno, 0 on success. */
    static int ioctl(int fd, long request, long arg) {
        try {
            int rc = (int) IOCTL.invokeExact(state(), fd, request, arg);
            return rc < 0 ? errno() : 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
