package dev.dataplane.tun;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * struct virtio_net_hdr, which precedes every packet on a TUN fd opened with IFF_VNET_HDR: it says whether
 * the packet is a GSO super-packet (and its segment size) and where a checksum is still to be filled in.
 * Fields are little-endian (the TUN default on little-endian hosts).
 */
final class VirtioNetHdr {
    static final int SIZE = 10;
    static final int F_NEEDS_CSUM = 1;
    static final int GSO_NONE = 0, GSO_TCPV4 = 1, GSO_UDP = 3, GSO_TCPV6 = 4, GSO_UDP_L4 = 5, GSO_ECN = 0x80;
    private static final int FLAGS = 0, GSO_TYPE = 1, HDR_LEN = 2, GSO_SIZE = 4, CSUM_START = 6, CSUM_OFFSET = 8;

    private VirtioNetHdr() {}

    static int flags(DirectBuffer b, int off) {
        return b.getByte(off + FLAGS) & 0xff;
    }

    static int gsoType(DirectBuffer b, int off) {
        return b.getByte(off + GSO_TYPE) & 0xff;
    }

    static int gsoSize(DirectBuffer b, int off) {
        return b.getShort(off + GSO_SIZE, ByteOrder.LITTLE_ENDIAN) & 0xffff;
    }

    static int csumStart(DirectBuffer b, int off) {
        return b.getShort(off + CSUM_START, ByteOrder.LITTLE_ENDIAN) & 0xffff;
    }

    static int csumOffset(DirectBuffer b, int off) {
        return b.getShort(off + CSUM_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xffff;
    }

    /** A header for a packet that needs nothing done: complete, checksums valid or to be checked. */
    static void putNone(MutableDirectBuffer b, int off) {
        b.setMemory(off, SIZE, (byte) 0);
    }

    static void put(MutableDirectBuffer b, int off, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        b.putByte(off + FLAGS, (byte) flags);
        b.putByte(off + GSO_TYPE, (byte) gsoType);
        b.putShort(off + HDR_LEN, (short) hdrLen, ByteOrder.LITTLE_ENDIAN);
        b.putShort(off + GSO_SIZE, (short) gsoSize, ByteOrder.LITTLE_ENDIAN);
        b.putShort(off + CSUM_START, (short) csumStart, ByteOrder.LITTLE_ENDIAN);
        b.putShort(off + CSUM_OFFSET, (short) csumOffset, ByteOrder.LITTLE_ENDIAN);
    }
}
