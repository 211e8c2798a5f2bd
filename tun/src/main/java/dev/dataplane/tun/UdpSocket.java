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
    private static final int AF_INET = 2, AF_INET6 = 10, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_MARK = 36, SO_RCVBUFFORCE = 33, SO_SNDBUFFORCE = 32;
    static final int IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26;
    static final int SOL_UDP = 17, UDP_SEGMENT = 103, UDP_GRO = 104;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int SOCKET_BUFFER = 4 << 20;
    /** UDP GSO limits: the kernel's UDP_MAX_SEGMENTS, and a total that fits an IP datagram of either family. */
    static final int GSO_MAX_SEGMENTS = 64, GSO_MAX_BYTES = 65000;
    /** UDP GRO: coalesced datagrams received per recvmmsg, each into a buffer of the largest IP datagram. */
    static final int GRO_MESSAGES = 8, GRO_BUFFER = 65536;

    /** Per-thread scratch: a sockaddr at 0 and its socklen_t at 32. */
    private static final ThreadLocal<UnsafeBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64)));

    private final NativeFd fd;
    private final boolean ipv6;
    private final int localPort;
    private final boolean gsoSupported;
    private volatile boolean gso;
    private volatile boolean gro;

    private UdpSocket(NativeFd fd, boolean ipv6, int localPort, boolean gsoSupported) {
        this.fd = fd;
        this.ipv6 = ipv6;
        this.localPort = localPort;
        this.gsoSupported = gsoSupported;
        this.gso = gsoSupported;
    }

    /**
     * Binds to {@code addrOrNull} and {@code port} (0 = an ephemeral port). {@code null} means every address
     * of both families ([::] with IPV6_V6ONLY off; 0.0.0.0 on hosts without IPv6). A given IPv4 address makes
     * an IPv4 socket, a given IPv6 address an IPv6-only one.
     */
    public static UdpSocket bind(InetAddress addrOrNull, int port) throws IOException {
        boolean v6 = addrOrNull == null ? ipv6Available() : addrOrNull.getAddress().length == 16;
        return open(v6, SOCK_DGRAM, 0, addrOrNull, port);
    }

    /**
     * The same batched datagram I/O over a raw IP socket for {@code protocol} (ESP is 50): IPv4 if
     * {@code ipv6} is false, bound to {@code addrOrNull} if given. Sends carry the protocol's payload only (the
     * kernel writes the IP header); receives on an IPv4 socket start with the IP header, on an IPv6 one without.
     * No GSO or GRO; endpoints have port 0.
     */
    public static UdpSocket rawIp(boolean ipv6, InetAddress addrOrNull, int protocol) throws IOException {
        if (addrOrNull != null && (addrOrNull.getAddress().length == 16) != ipv6) {
            throw new IOException("address " + addrOrNull.getHostAddress() + " is not " + (ipv6 ? "IPv6" : "IPv4"));
        }
        return open(ipv6, SOCK_RAW, protocol, addrOrNull, 0);
    }

    private static UdpSocket open(boolean v6, int type, int protocol, InetAddress addrOrNull, int port) throws IOException {
        int raw;
        try {
            raw = (int) Libc.SOCKET.invokeExact(Libc.state(), v6 ? AF_INET6 : AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (raw < 0) {
            int e = Libc.errno();
            throw new IOException("socket: " + Libc.strerror(e) + (e == Libc.EPERM || e == Libc.EACCES ? " (raw sockets need CAP_NET_RAW)" : ""));
        }
        try {
            if (v6 && type == SOCK_DGRAM) check(Libc.setsockopt(raw, IPPROTO_IPV6, IPV6_V6ONLY, addrOrNull == null ? 0 : 1), "IPV6_V6ONLY");
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
            // a kernel that knows UDP_SEGMENT (4.18+) accepts a socket-wide size of 0, meaning "per call"
            boolean gso = type == SOCK_DGRAM && Libc.setsockopt(raw, SOL_UDP, UDP_SEGMENT, 0) == 0;
            String what = type == SOCK_DGRAM ? "UDP socket :" + local.port() : "raw IP socket, protocol " + protocol;
            return new UdpSocket(new NativeFd(raw, what), v6, local.port(), gso);
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
        if (gro) throw new IllegalStateException("UDP GRO is on: receive with receiveBatch, which splits coalesced datagrams");
        long address = BufferUtil.address(directBuf) + off;
        UnsafeBuffer s = SCRATCH.get();
        int f = fd.acquire();
        try {
            while (true) {
                s.putInt(32, UdpEndpoint.SOCKADDR_IN6);
                long n = Libc.recvfrom(f, address, (long) maxLen, 0,
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
                long n = Libc.sendto(f, address, (long) len, 0, s.addressOffset(), salen);
                if (n >= 0) return;
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    fd.await(true);
                } else if (e != Libc.EINTR) {
                    throw new IOException("sendto " + to + ": " + Libc.strerror(e));
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
     * Receives up to {@link PacketBatch#capacity()} datagrams into slots {@code [0, n)} of {@code batch} with
     * their sources, blocking until at least one arrives; returns {@code n}, also stored as the batch count.
     *
     * <p>Without GRO this is one recvmmsg(2) straight into the slots. With GRO ({@link #setGro}) the kernel
     * hands over runs of same-sized datagrams from one source as one buffer; they are split here into one slot
     * per datagram (a copy), and what does not fit is handed out by the next call with the same batch.
     * Datagrams longer than {@link PacketBatch#maxPacket()} are truncated.
     */
    public int receiveBatch(PacketBatch batch) throws IOException {
        UdpVectors v = batch.udpVectors();
        int f = fd.acquire();
        try {
            int n = gro || v.pendingMessage < v.pendingMessages ? receiveCoalesced(f, batch, v) : receiveDirect(f, batch, v);
            batch.count(n);
            return n;
        } finally {
            fd.release();
        }
    }

    private int receiveDirect(int f, PacketBatch batch, UdpVectors v) throws IOException {
        int max = batch.capacity();
        for (int i = 0; i < max; i++) {
            v.putIovec(i, batch.slotAddress(i) + batch.headroom(), batch.maxPacket());
            v.putMsg(i, UdpEndpoint.SOCKADDR_IN6, i, 1, 0);
        }
        int n = recvmmsg(f, v, max);
        for (int i = 0; i < n; i++) {
            batch.filled(i, v.receivedLength(i));
            batch.endpoint(i).readSockaddr(v.mem, v.sockaddr(i));
        }
        return n;
    }

    private int receiveCoalesced(int f, PacketBatch batch, UdpVectors v) throws IOException {
        if (v.pendingMessage >= v.pendingMessages) {
            int k = Math.min(batch.capacity(), GRO_MESSAGES);
            v.ensureGroBuffers(GRO_MESSAGES, GRO_BUFFER);
            for (int i = 0; i < k; i++) {
                v.putIovec(i, v.groBuffers.addressOffset() + (long) i * GRO_BUFFER, GRO_BUFFER);
                v.putMsg(i, UdpEndpoint.SOCKADDR_IN6, i, 1, UdpVectors.CONTROL);
            }
            v.pendingMessages = recvmmsg(f, v, k);
            v.pendingMessage = 0;
            v.pendingOffset = 0;
        }
        int n = 0;
        while (n < batch.capacity() && v.pendingMessage < v.pendingMessages) {
            int m = v.pendingMessage;
            int len = v.receivedLength(m);
            int segment = v.findControlInt(m, SOL_UDP, UDP_GRO);
            if (segment <= 0 || segment >= len) {
                segment = len;
            } else {
                v.coalesced++;
            }
            int take = Math.min(segment, len - v.pendingOffset);
            int copy = Math.min(take, batch.maxPacket());
            batch.filled(n, copy);
            if (batch.sumOnReceive()) {
                batch.knownSum(n, Checksum.copyAndSum(v.groBuffers, m * GRO_BUFFER + v.pendingOffset, batch.view(), batch.offset(n), copy));
            } else {
                batch.view().putBytes(batch.offset(n), v.groBuffers, m * GRO_BUFFER + v.pendingOffset, copy);
            }
            batch.endpoint(n).readSockaddr(v.mem, v.sockaddr(m));
            n++;
            v.pendingOffset += take;
            if (v.pendingOffset >= len) {
                v.pendingMessage++;
                v.pendingOffset = 0;
            }
        }
        return n;
    }

    private int recvmmsg(int f, UdpVectors v, int max) throws IOException {
        while (true) {
            int n = Libc.recvmmsg(f, v.address(v.msg(0)), max, MSG_DONTWAIT);
            if (n > 0) return n;
            int e = n < 0 ? Libc.errno() : Libc.EAGAIN;
            if (e == Libc.EAGAIN) {
                fd.await(false);
            } else if (e != Libc.EINTR) {
                throw new IOException("recvmmsg on " + fd.what() + ": " + Libc.strerror(e));
            }
        }
    }

    /**
     * Sends slots {@code [0, count)} of {@code batch}, each to its endpoint, with sendmmsg(2); returns how
     * many datagrams the kernel took. With GSO, runs of datagrams to one endpoint whose sizes are equal (the
     * last may be shorter) leave as one message with a UDP_SEGMENT control message, straight from the slots
     * (an iovec per slot, no copy). A datagram the kernel refuses (unreachable, too big) is skipped; the call
     * throws only if none could be sent. If the route cannot segment, GSO is switched off and the rest is
     * sent again without it.
     */
    public int sendBatch(PacketBatch batch) throws IOException {
        int count = batch.count();
        if (count == 0) return 0;
        UdpVectors v = batch.udpVectors();
        int f = fd.acquire();
        try {
            int slot = 0, sent = 0, lastError = 0;
            boolean segmenting = gso;
            while (slot < count) {
                int messages = buildMessages(batch, v, slot, segmenting);
                int done = 0;
                while (done < messages) {
                    int r = Libc.sendmmsg(f, v.address(v.msg(done)), messages - done, MSG_DONTWAIT);
                    if (r > 0) {
                        for (int j = done; j < done + r; j++) sent += v.slots[j];
                        done += r;
                        continue;
                    }
                    int e = Libc.errno();
                    if (e == Libc.EAGAIN) {
                        fd.await(true);
                    } else if (e == Libc.EINTR) {
                        continue;
                    } else if (segmenting && v.slots[done] > 1) {
                        // EIO: the route cannot checksum-offload, so it never segments; other errors may be one
                        // datagram's fault: either way the rest of this batch goes one datagram per message
                        if (e == Libc.EIO) gso = false;
                        segmenting = false;
                        break;
                    } else {
                        lastError = e;
                        done++;
                    }
                }
                slot = done < messages ? v.firstSlot[done] : count;
            }
            if (sent == 0 && lastError != 0) throw new IOException("sendmmsg on " + fd.what() + ": " + Libc.strerror(lastError));
            return sent;
        } finally {
            fd.release();
        }
    }

    /** Lays out sendmmsg messages for slots {@code [from, count)}; returns how many. */
    private int buildMessages(PacketBatch batch, UdpVectors v, int from, boolean segmenting) {
        int count = batch.count(), messages = 0, slot = from;
        while (slot < count) {
            UdpEndpoint to = batch.endpoint(slot);
            int size = batch.length(slot);
            int run = 1, bytes = size;
            if (segmenting && size > 0) {
                while (slot + run < count && run < GSO_MAX_SEGMENTS) {
                    int next = batch.length(slot + run);
                    if (next == 0 || next > size || bytes + next > GSO_MAX_BYTES || !batch.endpoint(slot + run).equals(to)) break;
                    bytes += next;
                    run++;
                    if (next < size) break; // a shorter datagram ends a GSO run
                }
            }
            for (int j = 0; j < run; j++) v.putIovec(slot + j, batch.address(slot + j), batch.length(slot + j));
            int nameLen = to.writeSockaddr(v.mem, v.sockaddr(messages), ipv6 || to.isIpv6());
            int controlLen = run > 1 ? v.putControlShort(messages, SOL_UDP, UDP_SEGMENT, size) : 0;
            v.putMsg(messages, nameLen, slot, run, controlLen);
            v.firstSlot[messages] = slot;
            v.slots[messages] = run;
            messages++;
            slot += run;
        }
        return messages;
    }

    /** True if the kernel supports UDP GSO (UDP_SEGMENT) for this socket. */
    public boolean gsoSupported() {
        return gsoSupported;
    }

    /** Whether {@link #sendBatch} coalesces runs with UDP GSO. */
    public boolean gso() {
        return gso;
    }

    /** Turns GSO for {@link #sendBatch} on (if supported) or off. */
    public void setGso(boolean on) {
        gso = on && gsoSupported;
    }

    public boolean gro() {
        return gro;
    }

    /**
     * Turns UDP GRO on or off; returns whether it is on. With GRO on the kernel may deliver several datagrams
     * as one, so only {@link #receiveBatch} (which splits them) may be used to receive; {@link #receive}
     * refuses.
     */
    public boolean setGro(boolean on) throws IOException {
        int f = fd.acquire();
        try {
            int e = Libc.setsockopt(f, SOL_UDP, UDP_GRO, on ? 1 : 0);
            gro = on && e == 0;
            return gro;
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
