package dev.dataplane.tun;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A UDP address (IPv4 or IPv6) and port, mutable so receive loops fill one in place per packet without
 * allocating. IPv4-mapped IPv6 addresses (how a dual-stack socket reports IPv4 peers) are stored as IPv4,
 * so an endpoint prints, compares and hashes the same whichever socket saw it.
 */
public final class UdpEndpoint {
    private static final short AF_INET = 2, AF_INET6 = 10;
    static final int SOCKADDR_IN = 16, SOCKADDR_IN6 = 28;

    private final byte[] address = new byte[16];
    private boolean ipv6;
    private int port;
    private int scopeId;

    public UdpEndpoint() {}

    public UdpEndpoint(InetSocketAddress a) {
        set(a);
    }

    public UdpEndpoint set(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        if (ip == null) throw new IllegalArgumentException("unresolved address " + a);
        byte[] raw = ip.getAddress();
        Arrays.fill(address, (byte) 0);
        if (raw.length == 16 && isV4Mapped(raw)) {
            System.arraycopy(raw, 12, address, 0, 4);
            ipv6 = false;
        } else {
            System.arraycopy(raw, 0, address, 0, raw.length);
            ipv6 = raw.length == 16;
        }
        scopeId = ipv6 && ip instanceof Inet6Address v6 ? v6.getScopeId() : 0;
        port = a.getPort();
        return this;
    }

    public UdpEndpoint copyFrom(UdpEndpoint other) {
        System.arraycopy(other.address, 0, address, 0, 16);
        ipv6 = other.ipv6;
        port = other.port;
        scopeId = other.scopeId;
        return this;
    }

    public boolean isIpv6() {
        return ipv6;
    }

    public int port() {
        return port;
    }

    /** Fills this from a sockaddr_in or sockaddr_in6 as the kernel wrote it at {@code off}. */
    void readSockaddr(DirectBuffer b, int off) {
        int family = b.getShort(off, ByteOrder.LITTLE_ENDIAN);
        port = Short.toUnsignedInt(b.getShort(off + 2, ByteOrder.BIG_ENDIAN));
        if (family == AF_INET6 && !isV4Mapped(b, off + 8)) {
            b.getBytes(off + 8, address, 0, 16);
            ipv6 = true;
            scopeId = b.getInt(off + 24, ByteOrder.LITTLE_ENDIAN);
        } else {
            b.getBytes(off + (family == AF_INET6 ? 20 : 4), address, 0, 4);
            Arrays.fill(address, 4, 16, (byte) 0);
            ipv6 = false;
            scopeId = 0;
        }
    }

    /**
     * Writes this endpoint as a sockaddr at {@code off} for a socket of the given family: an IPv6 socket
     * takes IPv4 endpoints as mapped addresses. Returns the sockaddr's length.
     */
    int writeSockaddr(MutableDirectBuffer b, int off, boolean ipv6Socket) {
        if (!ipv6Socket) {
            b.putShort(off, AF_INET, ByteOrder.LITTLE_ENDIAN);
            b.putShort(off + 2, (short) port, ByteOrder.BIG_ENDIAN);
            b.putBytes(off + 4, address, 0, 4);
            b.putLong(off + 8, 0L);
            return SOCKADDR_IN;
        }
        b.putShort(off, AF_INET6, ByteOrder.LITTLE_ENDIAN);
        b.putShort(off + 2, (short) port, ByteOrder.BIG_ENDIAN);
        b.putInt(off + 4, 0); // flow info
        if (ipv6) {
            b.putBytes(off + 8, address, 0, 16);
        } else {
            b.putLong(off + 8, 0L);
            b.putInt(off + 16, 0x0000ffff, ByteOrder.BIG_ENDIAN); // ::ffff:a.b.c.d
            b.putBytes(off + 20, address, 0, 4);
        }
        b.putInt(off + 24, scopeId, ByteOrder.LITTLE_ENDIAN);
        return SOCKADDR_IN6;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) if (a[i] != 0) return false;
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static boolean isV4Mapped(DirectBuffer b, int off) {
        return b.getLong(off) == 0L && b.getInt(off + 8, ByteOrder.BIG_ENDIAN) == 0x0000ffff;
    }

    public InetSocketAddress toInetSocketAddress() {
        try {
            InetAddress ip = ipv6 && scopeId != 0
                    ? Inet6Address.getByAddress(null, Arrays.copyOf(address, 16), scopeId)
                    : InetAddress.getByAddress(Arrays.copyOf(address, ipv6 ? 16 : 4));
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Same address (and scope), whatever the ports: a VXLAN peer sends from a port per flow. */
    public boolean sameAddress(UdpEndpoint e) {
        return e.ipv6 == ipv6 && e.scopeId == scopeId && Arrays.equals(e.address, address);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UdpEndpoint e && e.ipv6 == ipv6 && e.port == port && e.scopeId == scopeId
                && Arrays.equals(e.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + port;
    }

    /** "1.2.3.4:51820" or "[fd00::1]:51820", the form wg(8) prints. */
    @Override
    public String toString() {
        return ipv6 ? "[" + hostString() + "]:" + port : hostString() + ":" + port;
    }

    /** The address as ip(8) and bridge(8) print it: "1.2.3.4", "fd00::1". */
    public String hostString() {
        InetAddress ip = toInetSocketAddress().getAddress();
        if (ip instanceof Inet4Address) return ip.getHostAddress();
        String s = ip.getHostAddress();
        int pct = s.indexOf('%');
        return compressV6(pct < 0 ? s : s.substring(0, pct)) + (pct < 0 ? "" : s.substring(pct));
    }

    /** Java prints fd00:0:0:0:0:0:0:1; wg and ip print fd00::1 (RFC 5952: longest zero run as ::). */
    private static String compressV6(String full) {
        String[] groups = full.split(":");
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < groups.length; ) {
            if (!groups[i].equals("0")) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups.length && groups[j].equals("0")) j++;
            if (j - i > bestLen && j - i > 1) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestStart < 0) return full;
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
        return head + "::" + tail;
    }
}
