package dev.dataplane.encap.ip;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the
 * data taken as big-endian 16-bit words. {@link #ones} returns the folded, uncomplemented sum so it
 * can be chained over several pieces (each piece but the last of even length); {@link #finish}
 * complements it into the value to store.
 */
public final class Checksum {
    private Checksum() {}

    /**
     * The one's complement sum of {@code len} bytes at {@code off}, added to {@code initial} (a prior
     * result of this method, or 0), folded to 16 bits. A trailing odd byte is padded with zero.
     */
    public static int ones(DirectBuffer b, int off, int len, int initial) {
        // Summing 32-bit words and folding later gives the same result as 16-bit words, since
        // 2^16 = 1 modulo 0xffff; a long holds the carries of any packet size without overflow.
        long sum = initial & 0xffffffffL;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            long v = b.getLong(i, ByteOrder.BIG_ENDIAN);
            sum += (v >>> 32) + (v & 0xffffffffL);
        }
        if (i + 4 <= end) {
            sum += b.getInt(i, ByteOrder.BIG_ENDIAN) & 0xffffffffL;
            i += 4;
        }
        if (i + 2 <= end) {
            sum += b.getShort(i, ByteOrder.BIG_ENDIAN) & 0xffff;
            i += 2;
        }
        if (i < end) {
            sum += (b.getByte(i) & 0xff) << 8;
        }
        return fold(sum);
    }

    /** The checksum to store: the complement of the folded sum. */
    public static int finish(int sum) {
        return ~fold(sum & 0xffffffffL) & 0xffff;
    }

    /** The header checksum an IPv4 header at {@code off} should carry (its own field counted as 0). */
    public static int ipv4HeaderChecksum(DirectBuffer b, int off) {
        int headerLen = IpPacket.ipv4HeaderLength(b, off);
        int sum = ones(b, off, IpPacket.IPV4_CHECKSUM, 0);
        sum = ones(b, off + IpPacket.IPV4_CHECKSUM + 2, headerLen - IpPacket.IPV4_CHECKSUM - 2, sum);
        return finish(sum);
    }

    /** Computes and stores the IPv4 header checksum in place. */
    public static void putIpv4HeaderChecksum(MutableDirectBuffer b, int off) {
        b.putShort(off + IpPacket.IPV4_CHECKSUM, (short) ipv4HeaderChecksum(b, off), ByteOrder.BIG_ENDIAN);
    }

    /** Whether the IPv4 header at {@code off} carries a correct checksum (the full sum is 0xffff). */
    public static boolean isIpv4HeaderChecksumValid(DirectBuffer b, int off) {
        return ones(b, off, IpPacket.ipv4HeaderLength(b, off), 0) == 0xffff;
    }

    /** The folded sum of the IPv4 pseudo-header for a TCP/UDP checksum: chain it into {@link #ones}. */
    public static int ipv4PseudoHeader(int src, int dst, int protocol, int length) {
        long sum = (src & 0xffffffffL) + (dst & 0xffffffffL) + (protocol & 0xff) + (length & 0xffff);
        return fold(sum);
    }

    /** The folded sum of the IPv6 pseudo-header (RFC 8200 section 8.1) for an upper-layer checksum. */
    public static int ipv6PseudoHeader(long srcHi, long srcLo, long dstHi, long dstLo, int nextHeader, int length) {
        long sum = halves(srcHi) + halves(srcLo) + halves(dstHi) + halves(dstLo);
        sum += (length >>> 16) + (length & 0xffff) + (nextHeader & 0xff);
        return fold(sum);
    }

    private static long halves(long v) {
        return (v >>> 32) + (v & 0xffffffffL);
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }
}
