package dev.dataplane.tun;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

import java.nio.ByteOrder;

/**
 * RFC 1071 ones' complement sums over packets, eight bytes at a time. Sums are computed on
 * little-endian words (this code assumes a little-endian host, as the rest of the module's layouts do) and swapped once at the end, which the ones' complement arithmetic allows (RFC 1071
 * section 2(B)); results are in network order.
 */
final class Checksum {
    static final int PROTO_TCP = 6, PROTO_UDP = 17;
    /** Native memory goes through {@link ChecksumLanes} when the JVM has the Vector API (the class is touched only then). */
    static final boolean LANES = vectorApi() && ChecksumLanes.AVAILABLE;

    private Checksum() {}

    /** The folded 16-bit sum (not inverted) of {@code len} bytes at {@code off}, plus {@code initial}. */
    static int sum(DirectBuffer b, int off, int len, int initial) {
        b.boundsCheck(off, len);
        // one bounds check above, then raw loads: this loop is the hottest Java code of a forwarding path
        Object base = b.byteArray();
        long a = b.addressOffset() + off;
        if (LANES && base == null && len >= ChecksumLanes.MIN_LEN && len <= ChecksumLanes.MAX_LEN) {
            return add(Short.reverseBytes((short) ChecksumLanes.sumLittleEndian(a, len)) & 0xffff, initial);
        }
        long acc0 = 0, acc1 = 0;
        int i = 0;
        for (; i + 16 <= len; i += 16) { // two accumulators let the adds of neighbouring words overlap
            long v = UnsafeApi.getLong(base, a + i), w = UnsafeApi.getLong(base, a + i + 8);
            acc0 += (v & 0xffffffffL) + (v >>> 32);
            acc1 += (w & 0xffffffffL) + (w >>> 32);
        }
        long acc = acc0 + acc1;
        if (i + 8 <= len) {
            long v = UnsafeApi.getLong(base, a + i);
            acc += (v & 0xffffffffL) + (v >>> 32);
            i += 8;
        }
        if (i + 4 <= len) {
            acc += UnsafeApi.getInt(base, a + i) & 0xffffffffL;
            i += 4;
        }
        if (i + 2 <= len) {
            acc += UnsafeApi.getShort(base, a + i) & 0xffff;
            i += 2;
        }
        if (i < len) acc += UnsafeApi.getByte(base, a + i) & 0xff; // a trailing byte is the high byte of a zero-padded word
        int littleEndian = fold(acc);
        return add(Short.reverseBytes((short) littleEndian) & 0xffff, initial);
    }

    /**
     * Copies {@code len} bytes from {@code src} at {@code srcOff} to {@code dst} at {@code dstOff} (different
     * memory) and returns their folded 16-bit sum (not inverted), as {@link #sum} would with {@code initial} 0:
     * on native memory with the Vector API in one pass, otherwise a copy and then a sum.
     */
    static int copyAndSum(DirectBuffer src, int srcOff, MutableDirectBuffer dst, int dstOff, int len) {
        src.boundsCheck(srcOff, len);
        dst.boundsCheck(dstOff, len);
        if (LANES && src.byteArray() == null && dst.byteArray() == null && len >= ChecksumLanes.MIN_LEN && len <= ChecksumLanes.MAX_LEN) {
            int le = ChecksumLanes.copyAndSumLittleEndian(src.addressOffset() + srcOff, dst.addressOffset() + dstOff, len);
            return Short.reverseBytes((short) le) & 0xffff;
        }
        dst.putBytes(dstOff, src, srcOff, len);
        return sum(dst, dstOff, len, 0);
    }

    private static boolean vectorApi() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Folds carries back in until 16 bits remain. */
    static int fold(long acc) {
        while ((acc >>> 16) != 0) acc = (acc & 0xffff) + (acc >>> 16);
        return (int) acc;
    }

    /** Ones' complement subtraction: the sum that, added to {@code b}, gives {@code a}. */
    static int subtract(int a, int b) {
        return add(a, ~b & 0xffff);
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
