package dev.dataplane.tun;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A UDP socket through the FFM API, dual-stack by default (bound on [::] with IPV6_V6ONLY off, so IPv4
 * peers arrive as mapped addresses and are reported as plain IPv4 endpoints).
 *
 * <p>Single datagrams go through recvfrom/sendto with a per-thread native sockaddr, so neither direction
 * allocates. The fd is non-blocking; a receive that finds nothing waits in poll(2) beside a wake-up
 * eventfd, so {@link #close()} from another thread ends it at once.
 */
public final class UdpSocket implements AutoCloseable {
    private static final int AF_INET = 2, AF_INET6 = 10, SOCK_DGRAM = 2, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_MARK = 36, SO_RCVBUFFORCE = 33, SO_SNDBUFFORCE = 32;
    static final int IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26;
    private static final int SOCKET_BUFFER = 4 << 20;

    /** Per-thread scratch: a sockaddr at 0 and its socklen_t at 32. */
    private static final ThreadLocal<UnsafeBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64)));

    private final NativeFd fd;
    private final boolean ipv6;
    private final int localPort;

    private UdpSocket(NativeFd fd, boolean ipv6, int localPort) {
        this.fd = fd;
        this.ipv6 = ipv6;
        this.localPort = localPort;
    }

    /**
     * Binds to {@code addrOrNull} and {@code port} (0 = an ephemeral port). {@code null} means every address
     * of both families ([::] with IPV6_V6ONLY off; 0.0.0.0 on hosts without IPv6). A given IPv4 address makes
     * an IPv4 socket, a given IPv6 address an IPv6-only one.
     */
    public static UdpSocket bind(InetAddress addrOrNull, int port) throws IOException {
        boolean v6 = addrOrNull == null ? ipv6Available() : addrOrNull.getAddress().length == 16;
        int raw;
        try {
            raw = (int) Libc.SOCKET.invokeExact(Libc.state(), v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (raw < 0) throw new IOException("socket: " + Libc.strerror(Libc.errno()));
        try {
            if (v6) check(Libc.setsockopt(raw, IPPROTO_IPV6, IPV6_V6ONLY, addrOrNull == null ? 0 : 1), "IPV6_V6ONLY");
            // FORCE lifts net.core.{r,w}mem_max when we may; bursts of small packets need the room
            if (Libc.setsockopt(raw, SOL_SOCKET, SO_RCVBUFFORCE, SOCKET_BUFFER) != 0) Libc.setsockopt(raw, SOL_SOCKET, SO_RCVBUF, SOCKET_BUFFER);
            if (Libc.setsockopt(raw, SOL_SOCKET, SO_SNDBUFFORCE, SOCKET_BUFFER) != 0) Libc.setsockopt(raw, SOL_SOCKET, SO_SNDBUF, SOCKET_BUFFER);

            UnsafeBuffer sa = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
            UdpEndpoint local = new UdpEndpoint().set(new InetSocketAddress(
                    addrOrNull != null ? addrOrNull : InetAddress.getByAddress(new byte[v6 ? 16 : 4]), port));
            int len = local.writeSockaddr(sa, 0, v6);
            if ((int) Libc.BIND.invokeExact(Libc.state(), raw, sa.addressOffset(), len) < 0) {
                int e = Libc.errno();
                throw new IOException("bind to " + (addrOrNull == null ? "*" : addrOrNull.getHostAddress()) + ":" + port
                        + ": " + Libc.strerror(e) + (e == Libc.EADDRINUSE ? " (another socket holds the port)" : ""));
            }
            sa.putInt(32, 64);
            if ((int) Libc.GETSOCKNAME.invokeExact(Libc.state(), raw, sa.addressOffset(), sa.addressOffset() + 32) < 0) {
                throw new IOException("getsockname: " + Libc.strerror(Libc.errno()));
            }
            local.readSockaddr(sa, 0);
            return new UdpSocket(new NativeFd(raw, "UDP socket :" + local.port()), v6, local.port());
        } catch (IOException e) {
            Libc.close(raw);
            throw e;
        } catch (Throwable t) {
            Libc.close(raw);
            throw new IllegalStateException(t);
        }
    }

    private static boolean ipv6Available() {
        return Files.exists(Path.of("/proc/net/if_inet6"));
    }

    private static void check(int errno, String what) throws IOException {
        if (errno != 0) throw new IOException(what + ": " + Libc.strerror(errno));
    }

    public int localPort() {
        return localPort;
    }

    /** True for an IPv6 (dual-stack or IPv6-only) socket. */
    public boolean isIpv6() {
        return ipv6;
    }

    /**
     * Receives one datagram into {@code directBuf} at {@code off} (at most {@code maxLen} bytes, the rest of a
     * longer one is dropped) and writes its source into {@code from}. Blocks until one arrives.
     *
     * @throws java.nio.channels.AsynchronousCloseException if the socket is closed while waiting
     */
    public int receive(ByteBuffer directBuf, int off, int maxLen, UdpEndpoint from) throws IOException {
        long address = BufferUtil.address(directBuf) + off;
        UnsafeBuffer s = SCRATCH.get();
        int f = fd.acquire();
        try {
            while (true) {
                s.putInt(32, UdpEndpoint.SOCKADDR_IN6);
                long n = (long) Libc.RECVFROM.invokeExact(Libc.state(), f, address, (long) maxLen, 0,
                        s.addressOffset(), s.addressOffset() + 32);
                if (n >= 0) {
                    from.readSockaddr(s, 0);
                    return (int) n;
                }
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    fd.await(false);
                } else if (e != Libc.EINTR) {
                    throw new IOException("recvfrom on " + fd.what() + ": " + Libc.strerror(e));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            fd.release();
        }
    }

    /** Sends {@code len} bytes at {@code off} of {@code directBuf} to {@code to}; waits while the send buffer is full. */
    public void send(ByteBuffer directBuf, int off, int len, UdpEndpoint to) throws IOException {
        if (!ipv6 && to.isIpv6()) throw new IOException("IPv6 endpoint " + to + " on an IPv4-only socket");
        long address = BufferUtil.address(directBuf) + off;
        UnsafeBuffer s = SCRATCH.get();
        int salen = to.writeSockaddr(s, 0, ipv6);
        int f = fd.acquire();
        try {
            while (true) {
                long n = (long) Libc.SENDTO.invokeExact(Libc.state(), f, address, (long) len, 0, s.addressOffset(), salen);
                if (n >= 0) return;
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    fd.await(true);
                } else if (e != Libc.EINTR) {
                    throw new IOException("sendto " + to + ": " + Libc.strerror(e));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            fd.release();
        }
    }

    /** SO_MARK, so routing rules can keep tunnel traffic out of the tunnel (wg's fwmark). */
    public void setMark(int mark) throws IOException {
        int f = fd.acquire();
        try {
            check(Libc.setsockopt(f, SOL_SOCKET, SO_MARK, mark), "SO_MARK " + mark);
        } finally {
            fd.release();
        }
    }

    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Closes the socket; a blocked receive ends with an exception. Idempotent. */
    @Override
    public void close() {
        fd.close();
    }
}
