package dev.dataplane.tun;

import org.agrona.BufferUtil;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Linux TUN device (IFF_TUN | IFF_NO_PI) made through /dev/net/tun, carrying one IP packet per read or
 * write. The fd is non-blocking: reads that find nothing wait in poll(2) with a short timeout, so
 * {@link #close()} from another thread ends a blocked read promptly. The device vanishes on close.
 */
public final class TunDevice implements AutoCloseable {
    public static final int MAX_NAME = 15;
    private static final long TUNSETIFF = 0x400454caL;
    private static final long SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCSIFMTU = 0x8922;
    private static final short IFF_TUN = 0x0001, IFF_NO_PI = 0x1000, IFF_TUN_EXCL = (short) 0x8000, IFF_UP = 0x1;
    private static final int O_RDWR = 2, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    private static final int AF_INET = 2, SOCK_DGRAM = 2;
    private static final int IFREQ_SIZE = 40;
    private static final int POLL_MS = 200;

    private final String name;
    private final int mtu;
    private final int fd;
    private volatile boolean closed;
    private final ThreadLocal<MemorySegment> pollfd = ThreadLocal.withInitial(() -> Arena.global().allocate(8));

    private TunDevice(String name, int mtu, int fd) {
        this.name = name;
        this.mtu = mtu;
        this.fd = fd;
    }

    /** Creates TUN {@code name} with {@code mtu} and brings it up; refuses a name that exists. */
    public static TunDevice create(String name, int mtu) throws TunException {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (name.isEmpty() || nameBytes.length > MAX_NAME) {
            throw new TunException("interface name must be 1 to " + MAX_NAME + " characters: " + name);
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            throw new TunException("/dev/net/tun is missing: load the tun module (modprobe tun) or run with access to it");
        }
        if (Files.exists(Path.of("/sys/class/net", name))) {
            throw new TunException("interface " + name + " already exists");
        }
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) Libc.OPEN.invokeExact(Libc.state(), arena.allocateFrom("/dev/net/tun"), O_RDWR | O_NONBLOCK | O_CLOEXEC, 0);
            if (fd < 0) {
                int e = Libc.errno();
                throw new TunException("cannot open /dev/net/tun: " + Libc.strerror(e)
                        + (e == Libc.EACCES || e == Libc.EPERM ? " (needs root or CAP_NET_ADMIN)" : ""));
            }
            MemorySegment ifr = ifreq(arena, nameBytes);
            ifr.set(ValueLayout.JAVA_SHORT, 16, (short) (IFF_TUN | IFF_NO_PI | IFF_TUN_EXCL));
            int rc = (int) Libc.IOCTL.invokeExact(Libc.state(), fd, TUNSETIFF, ifr);
            if (rc < 0) {
                int e = Libc.errno();
                Libc.close(fd);
                throw new TunException(switch (e) {
                    case Libc.EPERM, Libc.EACCES -> "creating " + name + " needs CAP_NET_ADMIN: " + Libc.strerror(e);
                    case Libc.EBUSY -> "interface " + name + " already exists";
                    default -> "TUNSETIFF " + name + " failed: " + Libc.strerror(e);
                });
            }
            TunDevice tun = new TunDevice(name, mtu, fd);
            try {
                configure(arena, nameBytes, mtu);
            } catch (TunException e) {
                tun.close();
                throw e;
            }
            return tun;
        } catch (TunException e) {
            throw e;
        } catch (Throwable t) {
            throw new TunException("creating " + name + " failed: " + t);
        }
    }

    private static MemorySegment ifreq(Arena arena, byte[] name) {
        MemorySegment ifr = arena.allocate(IFREQ_SIZE);
        ifr.fill((byte) 0);
        MemorySegment.copy(name, 0, ifr, ValueLayout.JAVA_BYTE, 0, name.length);
        return ifr;
    }

    /** Sets the MTU and IFF_UP through an AF_INET control socket, as `ip link set` would. */
    private static void configure(Arena arena, byte[] name, int mtu) throws Throwable {
        int sock = (int) Libc.SOCKET.invokeExact(Libc.state(), AF_INET, SOCK_DGRAM, 0);
        if (sock < 0) throw new TunException("control socket: " + Libc.strerror(Libc.errno()));
        try {
            MemorySegment ifr = ifreq(arena, name);
            ifr.set(ValueLayout.JAVA_INT, 16, mtu);
            if ((int) Libc.IOCTL.invokeExact(Libc.state(), sock, SIOCSIFMTU, ifr) < 0) {
                throw new TunException("setting MTU " + mtu + ": " + Libc.strerror(Libc.errno()));
            }
            ifr = ifreq(arena, name);
            if ((int) Libc.IOCTL.invokeExact(Libc.state(), sock, SIOCGIFFLAGS, ifr) < 0) {
                throw new TunException("reading flags: " + Libc.strerror(Libc.errno()));
            }
            ifr.set(ValueLayout.JAVA_SHORT, 16, (short) (ifr.get(ValueLayout.JAVA_SHORT, 16) | IFF_UP));
            if ((int) Libc.IOCTL.invokeExact(Libc.state(), sock, SIOCSIFFLAGS, ifr) < 0) {
                throw new TunException("bringing the link up: " + Libc.strerror(Libc.errno()));
            }
        } finally {
            Libc.close(sock);
        }
    }

    public String name() {
        return name;
    }

    public int mtu() {
        return mtu;
    }

    /** Reads one packet into {@code directBuf} at {@code off}; blocks until one arrives or the device closes. */
    public int read(ByteBuffer directBuf, int off, int maxLen) throws IOException {
        long address = BufferUtil.address(directBuf) + off;
        try {
            while (true) {
                if (closed) throw new IOException(name + " is closed");
                long n = (long) Libc.READ.invokeExact(Libc.state(), fd, address, (long) maxLen);
                if (n >= 0) return (int) n;
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    Libc.pollIn(pollfd.get(), fd, POLL_MS);
                } else if (e != Libc.EINTR) {
                    throw new IOException("read from " + name + ": " + Libc.strerror(e));
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Writes one packet; a packet the kernel refuses is reported, not retried. */
    public int write(ByteBuffer directBuf, int off, int len) throws IOException {
        long address = BufferUtil.address(directBuf) + off;
        try {
            long n = (long) Libc.WRITE.invokeExact(Libc.state(), fd, address, (long) len);
            if (n < 0) throw new IOException("write to " + name + ": " + Libc.strerror(Libc.errno()));
            return (int) n;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            Thread.sleep(POLL_MS + 50); // let a reader blocked in poll notice before the fd number is reused
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Libc.close(fd);
    }
}
