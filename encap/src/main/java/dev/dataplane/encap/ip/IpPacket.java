package dev.dataplane.encap.ip;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Reads the fixed IPv4/IPv6 header fields of one packet in a buffer, without allocating. Only
 * {@link #version} and {@link #totalLength} validate; the field readers assume {@code version}
 * returned the matching family for the same slice (which guarantees the whole fixed header is there).
 * Addresses come back in network order: IPv4 as one int, IPv6 as two longs (hi = first 8 bytes).
 */
public final class IpPacket {
    public static final int IPV4_MIN_HEADER_LEN = 20;
    public static final int IPV6_HEADER_LEN = 40;

    public static final int IPV4_TOTAL_LENGTH = 2;
    public static final int IPV4_PROTOCOL = 9;
    public static final int IPV4_CHECKSUM = 10;
    public static final int IPV4_SRC = 12;
    public static final int IPV4_DST = 16;

    public static final int IPV6_PAYLOAD_LENGTH = 4;
    public static final int IPV6_NEXT_HEADER = 6;
    public static final int IPV6_SRC = 8;
    public static final int IPV6_DST = 24;

    private IpPacket() {}

    /** 4 or 6 if the slice holds at least that family's fixed header, else -1. */
    public static int version(DirectBuffer b, int off, int len) {
        if (!inside(b, off, len) || len < 1) return -1;
        int version = (b.getByte(off) & 0xff) >>> 4;
        if (version == 4 && len >= IPV4_MIN_HEADER_LEN) return 4;
        if (version == 6 && len >= IPV6_HEADER_LEN) return 6;
        return -1;
    }

    /**
     * The packet length the header declares (IPv4 total length; IPv6 40 + payload length), or -1 if
     * the header is malformed or declares more bytes than {@code len}. Fewer is fine: the rest is
     * padding (e.g. from the tunnel's 16-byte alignment) that the caller should strip.
     */
    public static int totalLength(DirectBuffer b, int off, int len) {
        return switch (version(b, off, len)) {
            case 4 -> {
                int headerLen = ipv4HeaderLength(b, off);
                int total = b.getShort(off + IPV4_TOTAL_LENGTH, ByteOrder.BIG_ENDIAN) & 0xffff;
                yield headerLen < IPV4_MIN_HEADER_LEN || total < headerLen || total > len ? -1 : total;
            }
            case 6 -> {
                int total = IPV6_HEADER_LEN + (b.getShort(off + IPV6_PAYLOAD_LENGTH, ByteOrder.BIG_ENDIAN) & 0xffff);
                yield total > len ? -1 : total;
            }
            default -> -1;
        };
    }

    /** IHL in bytes (may be below 20 in a malformed header; {@link #totalLength} rejects that). */
    public static int ipv4HeaderLength(DirectBuffer b, int off) {
        return (b.getByte(off) & 0x0f) << 2;
    }

    /** The IPv4 protocol or the IPv6 next header (the first one, extension headers not walked). */
    public static int protocol(DirectBuffer b, int off, int version) {
        return b.getByte(off + (version == 4 ? IPV4_PROTOCOL : IPV6_NEXT_HEADER)) & 0xff;
    }

    public static int ipv4Src(DirectBuffer b, int off) {
        return b.getInt(off + IPV4_SRC, ByteOrder.BIG_ENDIAN);
    }

    public static int ipv4Dst(DirectBuffer b, int off) {
        return b.getInt(off + IPV4_DST, ByteOrder.BIG_ENDIAN);
    }

    public static long ipv6SrcHi(DirectBuffer b, int off) {
        return b.getLong(off + IPV6_SRC, ByteOrder.BIG_ENDIAN);
    }

    public static long ipv6SrcLo(DirectBuffer b, int off) {
        return b.getLong(off + IPV6_SRC + 8, ByteOrder.BIG_ENDIAN);
    }

    public static long ipv6DstHi(DirectBuffer b, int off) {
        return b.getLong(off + IPV6_DST, ByteOrder.BIG_ENDIAN);
    }

    public static long ipv6DstLo(DirectBuffer b, int off) {
        return b.getLong(off + IPV6_DST + 8, ByteOrder.BIG_ENDIAN);
    }

    private static boolean inside(DirectBuffer b, int off, int len) {
        return b != null && off >= 0 && len >= 0 && off <= b.capacity() - len;
    }
}
