package dev.dataplane.esp;

import dev.dataplane.net.IpLiteral;
import dev.dataplane.tun.UdpEndpoint;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * An address prefix of a policy selector or template, as `ip xfrm policy … src 10.0.0.0/24` gives it; matched
 * against IPv4 addresses as one int and IPv6 addresses as two longs, without allocating.
 */
final class Selector {
    final InetAddress address;
    final int length;
    final boolean ipv6;
    private final int v4, mask4;
    private final long hi, lo, maskHi, maskLo;

    Selector(InetAddress address, int length) {
        this.address = address;
        this.length = length;
        byte[] a = address.getAddress();
        this.ipv6 = a.length == 16;
        if (ipv6) {
            ByteBuffer b = ByteBuffer.wrap(a);
            hi = b.getLong(0);
            lo = b.getLong(8);
            maskHi = length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
            maskLo = length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
            v4 = mask4 = 0;
        } else {
            v4 = ByteBuffer.wrap(a).getInt();
            mask4 = length == 0 ? 0 : -1 << (32 - length);
            hi = lo = maskHi = maskLo = 0;
        }
    }

    /** "A" (a host) or "A/LEN"; throws {@link IllegalArgumentException} naming the text. */
    static Selector parse(String text) {
        int slash = text.indexOf('/');
        InetAddress a = IpLiteral.parse(slash < 0 ? text : text.substring(0, slash));
        int max = a.getAddress().length * 8, len = max;
        if (slash >= 0) {
            try {
                len = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                len = -1;
            }
            if (len < 0 || len > max) throw new IllegalArgumentException("bad prefix length in \"" + text + "\"");
        }
        return new Selector(a, len);
    }

    boolean matchesV4(int addr) {
        return !ipv6 && ((addr ^ v4) & mask4) == 0;
    }

    boolean matchesV6(long addrHi, long addrLo) {
        return ipv6 && ((addrHi ^ hi) & maskHi) == 0 && ((addrLo ^ lo) & maskLo) == 0;
    }

    boolean sameAs(Selector o) {
        return address.equals(o.address) && length == o.length;
    }

    /** The address as ip(8) prints it. */
    static String host(InetAddress a) {
        return new UdpEndpoint(new InetSocketAddress(a, 0)).hostString();
    }

    @Override
    public String toString() {
        return host(address) + "/" + length;
    }
}
