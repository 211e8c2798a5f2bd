package dev.dataplane.encap.ike;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One traffic selector (RFC 7296 §3.13.1): an address range of one family, an IP protocol (0 = any) and a port
 * range. Tunnel-mode subnets are ranges from the network address to the broadcast address, all protocols and ports.
 */
public record TrafficSelector(boolean ipv6, int protocol, int startPort, int endPort, byte[] start, byte[] end) {
    public static final int TS_IPV4_ADDR_RANGE = 7, TS_IPV6_ADDR_RANGE = 8;

    /** The whole subnet ADDR/LEN, any protocol and port. */
    public static TrafficSelector subnet(InetAddress network, int prefix) {
        byte[] lo = network.getAddress().clone(), hi = network.getAddress().clone();
        for (int bit = prefix; bit < lo.length * 8; bit++) {
            lo[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
            hi[bit / 8] |= (byte) (0x80 >> (bit % 8));
        }
        return new TrafficSelector(lo.length == 16, 0, 0, 65535, lo, hi);
    }

    /** The prefix length if this range is exactly one subnet with any protocol and port, else -1. */
    public int prefixLength() {
        if (protocol != 0 || startPort != 0 || endPort != 65535) return -1;
        int bits = start.length * 8;
        for (int p = 0; p <= bits; p++) {
            TrafficSelector s;
            try {
                s = subnet(InetAddress.getByAddress(start), p);
            } catch (UnknownHostException e) {
                return -1;
            }
            if (Arrays.equals(s.start, start) && Arrays.equals(s.end, end)) return p;
        }
        return -1;
    }

    public InetAddress startAddress() {
        try {
            return InetAddress.getByAddress(start);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Is {@code o} inside this one (addresses, ports and protocol)? */
    public boolean covers(TrafficSelector o) {
        return ipv6 == o.ipv6 && (protocol == 0 || protocol == o.protocol) && startPort <= o.startPort && endPort >= o.endPort
                && Arrays.compareUnsigned(start, o.start) <= 0 && Arrays.compareUnsigned(end, o.end) >= 0;
    }

    /** The overlap of two selectors (RFC 7296 §2.9 narrowing), or null if they do not meet. */
    public TrafficSelector intersect(TrafficSelector o) {
        if (ipv6 != o.ipv6) return null;
        if (protocol != 0 && o.protocol != 0 && protocol != o.protocol) return null;
        byte[] lo = Arrays.compareUnsigned(start, o.start) >= 0 ? start : o.start;
        byte[] hi = Arrays.compareUnsigned(end, o.end) <= 0 ? end : o.end;
        int lp = Math.max(startPort, o.startPort), hp = Math.min(endPort, o.endPort);
        if (Arrays.compareUnsigned(lo, hi) > 0 || lp > hp) return null;
        return new TrafficSelector(ipv6, protocol != 0 ? protocol : o.protocol, lp, hp, lo.clone(), hi.clone());
    }

    /** A TSi or TSr payload body. */
    public static byte[] encode(List<TrafficSelector> selectors) {
        int len = 4;
        for (TrafficSelector s : selectors) len += 8 + 2 * s.start.length;
        ByteBuffer b = ByteBuffer.allocate(len).put((byte) selectors.size()).put(new byte[3]);
        for (TrafficSelector s : selectors) {
            b.put((byte) (s.ipv6 ? TS_IPV6_ADDR_RANGE : TS_IPV4_ADDR_RANGE)).put((byte) s.protocol).putShort((short) (8 + 2 * s.start.length))
                    .putShort((short) s.startPort).putShort((short) s.endPort).put(s.start).put(s.end);
        }
        return b.array();
    }

    public static List<TrafficSelector> parse(byte[] body) {
        if (body.length < 4) throw new IllegalArgumentException("TS payload shorter than 4 bytes");
        ByteBuffer b = ByteBuffer.wrap(body);
        int count = body[0] & 0xff, at = 4;
        List<TrafficSelector> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (at + 8 > body.length) throw new IllegalArgumentException("traffic selector past the end");
            int type = body[at] & 0xff, proto = body[at + 1] & 0xff, len = b.getShort(at + 2) & 0xffff;
            int alen = type == TS_IPV4_ADDR_RANGE ? 4 : type == TS_IPV6_ADDR_RANGE ? 16 : -1;
            if (alen < 0) throw new IllegalArgumentException("traffic selector type " + type + " is not supported");
            if (len != 8 + 2 * alen || at + len > body.length) throw new IllegalArgumentException("traffic selector length " + len);
            out.add(new TrafficSelector(alen == 16, proto, b.getShort(at + 4) & 0xffff, b.getShort(at + 6) & 0xffff,
                    Arrays.copyOfRange(body, at + 8, at + 8 + alen), Arrays.copyOfRange(body, at + 8 + alen, at + 8 + 2 * alen)));
            at += len;
        }
        if (at != body.length) throw new IllegalArgumentException("bytes after the last traffic selector");
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrafficSelector t && t.ipv6 == ipv6 && t.protocol == protocol && t.startPort == startPort && t.endPort == endPort
                && Arrays.equals(t.start, start) && Arrays.equals(t.end, end);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(start) * 31 + Arrays.hashCode(end);
    }

    @Override
    public String toString() {
        int p = prefixLength();
        String a = startAddress().getHostAddress();
        if (p >= 0) return a + "/" + p;
        try {
            return a + ".." + InetAddress.getByAddress(end).getHostAddress() + (protocol != 0 ? "[" + protocol + "]" : "");
        } catch (UnknownHostException e) {
            return a;
        }
    }
}
