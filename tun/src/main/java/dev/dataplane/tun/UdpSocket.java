package dev.dataplane.tun;

import org.agrona.BufferUtil;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A UDP socket, dual-stack by default (bound on [::] with IPV6_V6ONLY off, so IPv4 peers arrive as
 * mapped addresses), through recvfrom/sendto via FFM. Per-thread native sockaddr scratch keeps send and
 * receive allocation-free. Non-blocking underneath, so {@link #close()} ends a blocked receive promptly.
 */
public final class UdpSocket implements AutoCloseable {
    private static final int AF_INET = 2, AF_INET6 = 10, SOCK_DGRAM = 2, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1, SO_MARK = 36, SO_RCVBUF = 8, SO_SNDBUF = 7, IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26;
    private static final int SOCKADDR_IN6 = 28, SOCKADDR_IN = 16;
    private static final int POLL_MS = 200;

    private final int fd;
    private final boolean ipv6;
    private final int localPort;
    private volatile boolean closed;

    /** Per-thread scratch: [0,28) sockaddr, [32,36) socklen, [40,48) pollfd. */
    private static final ThreadLocal<MemorySegment> SCRATCH = ThreadLocal.withInitial(() -> Arena.global().allocate(64, 8));
    private static final ThreadLocal<byte[]> ADDR = ThreadLocal.withInitial(() -> new byte[16]);

    private UdpSocket(int fd, boolean ipv6, int localPort) {
        this.fd = fd;
        this.ipv6 = ipv6;
        this.localPort = localPort;
    }

    /** Binds to {@code addrOrNull} (null = all addresses, both families) and {@code port} (0 = any). */
    public static UdpSocket bind(InetAddress addrOrNull, int port) throws IOException {
        boolean v6 = addrOrNull == null ? ipv6Available() : addrOrNull.getAddress().length == 16;
        try {
            int fd = (int) Libc.SOCKET.invokeExact(Libc.state(), v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) throw new IOException("socket: " + Libc.strerror(Libc.errno()));
            try (Arena arena = Arena.ofConfined()) {
                if (v6) setInt(arena, fd, IPPROTO_IPV6, IPV6_V6ONLY, addrOrNull == null ? 0 : 1);
                setInt(arena, fd, SOL_SOCKET, SO_RCVBUF, 4 << 20);
                setInt(arena, fd, SOL_SOCKET, SO_SNDBUF, 4 << 20);
                MemorySegment sa = arena.allocate(SOCKADDR_IN6);
                sa.fill((byte) 0);
                byte[] raw = addrOrNull == null ? new byte[v6 ? 16 : 4] : addrOrNull.getAddress();
                int len = writeSockaddr(sa, v6, raw, port, 0);
                if ((int) Libc.BIND.invokeExact(Libc.state(), fd, sa, len) < 0) {
                    int e = Libc.errno();
                    Libc.close(fd);
                    throw new IOException("bind to port " + port + ": " + Libc.strerror(e));
                }
                MemorySegment lenSeg = arena.allocate(ValueLayout.JAVA_INT);
                lenSeg.set(ValueLayout.JAVA_INT, 0, SOCKADDR_IN6);
                if ((int) Libc.GETSOCKNAME.invokeExact(Libc.state(), fd, sa, lenSeg) < 0) {
                    Libc.close(fd);
                    throw new IOException("getsockname: " + Libc.strerror(Libc.errno()));
                }
                int bound = Short.toUnsignedInt(Short.reverseBytes(sa.get(ValueLayout.JAVA_SHORT, 2)));
                return new UdpSocket(fd, v6, bound);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    private static boolean ipv6Available() {
        return java.nio.file.Files.exists(java.nio.file.Path.of("/proc/net/if_inet6"));
    }

    private static void setInt(Arena arena, int fd, int level, int opt, int value) throws Throwable {
        MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, value);
        if ((int) Libc.SETSOCKOPT.invokeExact(Libc.state(), fd, level, opt, v, 4) < 0) {
            throw new IOException("setsockopt " + opt + ": " + Libc.strerror(Libc.errno()));
        }
    }

    /** Writes a sockaddr for this socket's family; IPv4 addresses become v4-mapped on an IPv6 socket. */
    private static int writeSockaddr(MemorySegment sa, boolean v6Socket, byte[] addr, int port, int scope) {
        short portBe = Short.reverseBytes((short) port);
        if (v6Socket) {
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
            sa.set(ValueLayout.JAVA_SHORT, 2, portBe);
            sa.set(ValueLayout.JAVA_INT, 4, 0);
            if (addr.length == 4) {
                for (int i = 0; i < 10; i++) sa.set(ValueLayout.JAVA_BYTE, 8 + i, (byte) 0);
                sa.set(ValueLayout.JAVA_BYTE, 18, (byte) 0xff);
                sa.set(ValueLayout.JAVA_BYTE, 19, (byte) 0xff);
                for (int i = 0; i < 4; i++) sa.set(ValueLayout.JAVA_BYTE, 20 + i, addr[i]);
            } else {
                for (int i = 0; i < 16; i++) sa.set(ValueLayout.JAVA_BYTE, 8 + i, addr[i]);
            }
            sa.set(ValueLayout.JAVA_INT, 24, scope);
            return SOCKADDR_IN6;
        }
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        sa.set(ValueLayout.JAVA_SHORT, 2, portBe);
        for (int i = 0; i < 4; i++) sa.set(ValueLayout.JAVA_BYTE, 4 + i, addr[i]);
        for (int i = 8; i < 16; i++) sa.set(ValueLayout.JAVA_BYTE, i, (byte) 0);
        return SOCKADDR_IN;
    }

    /** IPv4 destination without allocating: v4-mapped on a dual-stack socket. */
    private int writeSockaddr4(MemorySegment sa, byte[] raw16, int port) {
        short portBe = Short.reverseBytes((short) port);
        if (ipv6) {
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
            sa.set(ValueLayout.JAVA_SHORT, 2, portBe);
            sa.set(ValueLayout.JAVA_INT, 4, 0);
            sa.set(ValueLayout.JAVA_LONG, 8, 0L);
            sa.set(ValueLayout.JAVA_SHORT, 16, (short) 0);
            sa.set(ValueLayout.JAVA_SHORT, 18, (short) -1);
            for (int i = 0; i < 4; i++) sa.set(ValueLayout.JAVA_BYTE, 20 + i, raw16[i]);
            sa.set(ValueLayout.JAVA_INT, 24, 0);
            return SOCKADDR_IN6;
        }
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        sa.set(ValueLayout.JAVA_SHORT, 2, portBe);
        for (int i = 0; i < 4; i++) sa.set(ValueLayout.JAVA_BYTE, 4 + i, raw16[i]);
        sa.set(ValueLayout.JAVA_LONG, 8, 0L);
        return SOCKADDR_IN;
    }

    public int localPort() {
        return localPort;
    }

    /** Receives one datagram into {@code directBuf} at {@code off}; the source goes into {@code from}. */
    public int receive(ByteBuffer directBuf, int off, int maxLen, UdpEndpoint from) throws IOException {
        long address = BufferUtil.address(directBuf) + off;
        MemorySegment s = SCRATCH.get();
        try {
            while (true) {
                if (closed) throw new IOException("socket closed");
                s.set(ValueLayout.JAVA_INT, 32, SOCKADDR_IN6);
                long n = (long) Libc.RECVFROM.invokeExact(Libc.state(), fd, address, (long) maxLen, 0,
                        s.address(), s.address() + 32);
                if (n >= 0) {
                    readSockaddr(s, from);
                    return (int) n;
                }
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    Libc.pollIn(s.asSlice(40, 8), fd, POLL_MS);
                } else if (e != Libc.EINTR) {
                    throw new IOException("recvfrom: " + Libc.strerror(e));
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    private static void readSockaddr(MemorySegment s, UdpEndpoint from) {
        byte[] a = ADDR.get();
        int family = s.get(ValueLayout.JAVA_SHORT, 0);
        int port = Short.toUnsignedInt(Short.reverseBytes(s.get(ValueLayout.JAVA_SHORT, 2)));
        if (family == AF_INET6) {
            MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 8, a, 0, 16);
            from.setRaw(true, a, 0, port, s.get(ValueLayout.JAVA_INT, 24));
        } else {
            MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 4, a, 0, 4);
            from.setRaw(false, a, 0, port, 0);
        }
    }

    /** Sends {@code len} bytes at {@code off} of {@code directBuf} to {@code to}. */
    public void send(ByteBuffer directBuf, int off, int len, UdpEndpoint to) throws IOException {
        long address = BufferUtil.address(directBuf) + off;
        MemorySegment s = SCRATCH.get();
        byte[] raw = to.rawAddress();
        if (!ipv6 && to.isIpv6()) throw new IOException("IPv6 endpoint " + to + " on an IPv4-only socket");
        int salen = to.isIpv6() ? writeSockaddr(s, ipv6, raw, to.port(), to.scopeId()) : writeSockaddr4(s, raw, to.port());
        try {
            while (true) {
                long n = (long) Libc.SENDTO.invokeExact(Libc.state(), fd, address, (long) len, 0, s.address(), salen);
                if (n >= 0) return;
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    Thread.onSpinWait(); // send buffer full: the kernel drains it in microseconds
                } else if (e != Libc.EINTR) {
                    throw new IOException("sendto " + to + ": " + Libc.strerror(e));
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** SO_MARK, so routing rules can keep tunnel traffic out of the tunnel (wg's fwmark). */
    public void setMark(int mark) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            setInt(arena, fd, SOL_SOCKET, SO_MARK, mark);
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
            Thread.sleep(POLL_MS + 50); // a receiver blocked in poll sees `closed` before the fd is reused
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Libc.close(fd);
    }
}
