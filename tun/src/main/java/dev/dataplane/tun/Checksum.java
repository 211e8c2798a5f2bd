package dev.dataplane.tun;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * RFC 1071 ones' complement sums over off-heap packets, eight bytes at a time. Sums are computed on
 * little-endian words and swapped once at the end, which the ones' complement arithmetic allows (RFC 1071
 * section 2(B)); results are in network order.
 */
final class Checksum {
    static final int PROTO_TCP = 6, PROTO_UDP = 17;

    private Checksum() {}

    /** The folded 16-bit sum (not inverted) of {@code len} bytes at {@code off}, plus {@code initial}. */
    static int sum(DirectBuffer b, int off, int len, int initial) {
        long acc = 0;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            long v = b.getLong(off + i, ByteOrder.LITTLE_ENDIAN);
            acc += (v & 0xffffffffL) + (v >>> 32);
        }
        if (i + 4 <= len) {
            acc += b.getInt(off + i, ByteOrder.LITTLE_ENDIAN) & 0xffffffffL;
            i += 4;
        }
        if (i + 2 <= len) {
            acc += b.getShort(off + i, ByteOrder.LITTLE_ENDIAN) & 0xffff;
            i += 2;
        }
        if (i < len) acc += b.getByte(off + i) & 0xff; // a trailing byte is the high byte of a zero-padded word
        int littleEndian = fold(acc);
        return add(Short.reverseBytes((short) littleEndian) & 0xffff, initial);
    }

    /** Folds carries back in until 16 bits remain. */
    static int fold(long acc) {
        while ((acc >>> 16) != 0) acc = (acc & 0xffff) + (acc >>> 16);
        return (int) acc;
    }

    /** Ones' complement addition of two 16-bit values. */
    static int add(int a, int b) {
        return fold((long) a + b);
    }

    /**
     * The pseudo-header sum for TCP/UDP over IPv4 or IPv6: addresses of the IP header at {@code ipOff},
     * {@code protocol} and the transport length.
     */
    static int pseudoHeader(DirectBuffer b, int ipOff, boolean ipv6, int protocol, int l4Length) {
        int s = ipv6 ? sum(b, ipOff + 8, 32, 0) : sum(b, ipOff + 12, 8, 0);
        return add(add(s, protocol), l4Length);
    }

    /** Writes a fresh IPv4 header checksum. */
    static void ipv4Header(org.agrona.MutableDirectBuffer b, int ipOff) {
        int ihl = (b.getByte(ipOff) & 0xf) * 4;
        b.putShort(ipOff + 10, (short) 0);
        b.putShort(ipOff + 10, (short) ~sum(b, ipOff, ihl, 0), ByteOrder.BIG_ENDIAN);
    }
}
