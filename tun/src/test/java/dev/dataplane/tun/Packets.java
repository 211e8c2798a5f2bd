package dev.dataplane.tun;

import java.nio.ByteBuffer;

/**
 * Test-side packet helpers, written independently of the production code so they can check it: the
 * RFC 1071 checksum byte by byte, and ICMP echo replies for IPv4 and IPv6.
 */
final class Packets {
    private Packets() {}

    /** The ones' complement sum of {@code len} bytes at {@code off}, folded, not inverted. */
    static int sum(ByteBuffer b, int off, int len, int initial) {
        long s = initial;
        for (int i = 0; i + 1 < len; i += 2) s += ((b.get(off + i) & 0xff) << 8) | (b.get(off + i + 1) & 0xff);
        if ((len & 1) != 0) s += (b.get(off + len - 1) & 0xff) << 8;
        while ((s >>> 16) != 0) s = (s & 0xffff) + (s >>> 16);
        return (int) s;
    }

    static int checksum(ByteBuffer b, int off, int len, int initial) {
        return ~sum(b, off, len, initial) & 0xffff;
    }

    /** Sum of the TCP/UDP/ICMPv6 pseudo-header of the IP packet at {@code off} for a payload of {@code l4Len}. */
    static int pseudoHeaderSum(ByteBuffer b, int off, int protocol, int l4Len) {
        int version = (b.get(off) & 0xff) >> 4;
        int s = version == 4 ? sum(b, off + 12, 8, 0) : sum(b, off + 8, 32, 0);
        return foldAdd(foldAdd(s, protocol), l4Len);
    }

    private static int foldAdd(int a, int b) {
        int s = a + b;
        return (s & 0xffff) + (s >>> 16);
    }

    /** True if the IPv4 header checksum (if IPv4) and the TCP/UDP/ICMP checksum of the packet verify. */
    static boolean checksumsValid(ByteBuffer b, int off, int len) {
        int version = (b.get(off) & 0xff) >> 4;
        int ihl, protocol, l4Len;
        if (version == 4) {
            ihl = (b.get(off) & 0xf) * 4;
            if (sum(b, off, ihl, 0) != 0xffff) return false;
            protocol = b.get(off + 9) & 0xff;
            l4Len = (b.getShort(off + 2) & 0xffff) - ihl;
        } else {
            ihl = 40;
            protocol = b.get(off + 6) & 0xff;
            l4Len = b.getShort(off + 4) & 0xffff;
        }
        if (ihl + l4Len != len) return false;
        int init = protocol == 1 ? 0 : pseudoHeaderSum(b, off, protocol, l4Len);
        return sum(b, off + ihl, l4Len, init) == 0xffff;
    }

    /**
     * Turns the ICMP or ICMPv6 echo request at {@code off} into its reply in place (addresses swapped, type
     * changed, checksum recomputed). Returns false if the packet is no echo request.
     */
    static boolean echoReplyInPlace(ByteBuffer b, int off, int len) {
        int version = (b.get(off) & 0xff) >> 4;
        if (version == 4) {
            int ihl = (b.get(off) & 0xf) * 4;
            if (b.get(off + 9) != 1 || b.get(off + ihl) != 8) return false;
            swap(b, off + 12, off + 16, 4);
            b.put(off + ihl, (byte) 0);
            b.putShort(off + ihl + 2, (short) 0);
            b.putShort(off + ihl + 2, (short) checksum(b, off + ihl, len - ihl, 0));
            b.putShort(off + 10, (short) 0);
            b.putShort(off + 10, (short) checksum(b, off, ihl, 0));
            return true;
        }
        if (version == 6 && b.get(off + 6) == 58 && (b.get(off + 40) & 0xff) == 128) {
            swap(b, off + 8, off + 24, 16);
            b.put(off + 40, (byte) 129);
            b.putShort(off + 42, (short) 0);
            int l4 = len - 40;
            b.putShort(off + 42, (short) checksum(b, off + 40, l4, pseudoHeaderSum(b, off, 58, l4)));
            return true;
        }
        return false;
    }

    private static void swap(ByteBuffer b, int x, int y, int n) {
        for (int i = 0; i < n; i++) {
            byte t = b.get(x + i);
            b.put(x + i, b.get(y + i));
            b.put(y + i, t);
        }
    }
}
