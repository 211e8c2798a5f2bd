package dev.dataplane.tun;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A UDP address (IPv4 or IPv6) and port, mutable so receive loops can fill one in place per packet without
 * allocating. IPv4-mapped IPv6 addresses are stored as IPv4, so an endpoint prints as the peer sees it.
 */
public final class UdpEndpoint {
    private final byte[] address = new byte[16];
    private boolean ipv6;
    private int port;
    private int scopeId;

    public UdpEndpoint set(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        byte[] raw = ip.getAddress();
        Arrays.fill(address, (byte) 0);
        System.arraycopy(raw, 0, address, 0, raw.length);
        ipv6 = raw.length == 16;
        scopeId = ip instanceof java.net.Inet6Address v6 ? v6.getScopeId() : 0;
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

    /** Fills this from a raw sockaddr_in6 / sockaddr_in as the kernel wrote it. */
    void setRaw(boolean v6, byte[] src, int srcOff, int port, int scopeId) {
        Arrays.fill(address, (byte) 0);
        if (v6 && isV4Mapped(src, srcOff)) {
            System.arraycopy(src, srcOff + 12, address, 0, 4);
            v6 = false;
        } else {
            System.arraycopy(src, srcOff, address, 0, v6 ? 16 : 4);
        }
        this.ipv6 = v6;
        this.port = port;
        this.scopeId = v6 ? scopeId : 0;
    }

    private static boolean isV4Mapped(byte[] a, int off) {
        for (int i = 0; i < 10; i++) if (a[off + i] != 0) return false;
        return a[off + 10] == (byte) 0xff && a[off + 11] == (byte) 0xff;
    }

    public boolean isIpv6() {
        return ipv6;
    }

    public int port() {
        return port;
    }

    int scopeId() {
        return scopeId;
    }

    byte[] rawAddress() {
        return address;
    }

    public InetSocketAddress toInetSocketAddress() {
        try {
            InetAddress ip = ipv6
                    ? java.net.Inet6Address.getByAddress(null, Arrays.copyOf(address, 16), scopeId)
                    : InetAddress.getByAddress(Arrays.copyOf(address, 4));
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
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

    @Override
    public String toString() {
        InetSocketAddress a = toInetSocketAddress();
        return a.getAddress() instanceof Inet4Address
                ? a.getAddress().getHostAddress() + ":" + port
                : "[" + a.getAddress().getHostAddress() + "]:" + port;
    }
}
