package dev.dataplane.tun;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Software segmentation of what a TUN or TAP device with offloads hands over: one frame (virtio_net_hdr +
 * packet) becomes one or more plain IP packets (or Ethernet frames) with complete, valid checksums.
 *
 * <ul>
 *   <li>GSO TCPv4/TCPv6 and UDP_L4 super-packets are cut into {@code gso_size} payloads, each with a copy of
 *       the headers fixed up: IP length (and IPv4 id + checksum), TCP sequence number and flags (FIN/PSH only
 *       on the last, CWR only on the first), UDP length, and the TCP/UDP checksum over the segment.</li>
 *   <li>A plain packet marked NEEDS_CSUM gets its checksum finished at {@code csum_start + csum_offset}.</li>
 * </ul>
 *
 * The frame stays loaded until every segment is taken, so a batch too small for all of them gets the rest
 * on the next call. One thread at a time.
 */
final class GsoSplitter {
    private static final int TCP_FIN = 0x01, TCP_PSH = 0x08, TCP_CWR = 0x80;
    private static final int ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_IPV6 = 0x86DD;

    /** Bytes before the IP header in each packet: 0 on a TUN device, an Ethernet header on a TAP device. */
    private final int link;

    private DirectBuffer frame;
    private int base;         // the frame's offset in `frame`
    private int frameEnd;     // absolute
    private boolean gso;
    private boolean ipv6;
    private int protocol;
    private int headers;      // bytes of link + IP + L4 headers, from the start of the packet
    private int l4;           // transport header's offset from the start of the packet (link header included)
    private int segmentSize;
    private int payloadStart; // absolute offsets in the frame
    private int next;
    private int index;
    private int csumStart, csumOffset;
    private boolean needsCsum;
    private boolean pending;
    long dropped;             // malformed frames and segments too big for their slot
    long superPackets;        // GSO frames split (tests check offloads happened)


    GsoSplitter() {
        this(0);
    }

    /** {@code linkHeader}: 0 for IP packets (TUN), 14 for Ethernet frames (TAP), whose header each segment copies. */
    GsoSplitter(int linkHeader) {
        this.link = linkHeader;
    }

    boolean hasNext() {
        return pending;
    }

    /**
     * Takes the frame of {@code length} bytes (header included) at {@code offset} of {@code buffer}, just read;
     * returns false if it is malformed (dropped).
     */
    boolean load(DirectBuffer buffer, int offset, int length) {
        pending = false;
        frame = buffer;
        base = offset;
        int p = base + VirtioNetHdr.SIZE;
        if (length <= VirtioNetHdr.SIZE) return drop();
        frameEnd = base + length;
        int type = VirtioNetHdr.gsoType(frame, base) & ~VirtioNetHdr.GSO_ECN;
        needsCsum = (VirtioNetHdr.flags(frame, base) & VirtioNetHdr.F_NEEDS_CSUM) != 0;
        csumStart = VirtioNetHdr.csumStart(frame, base);
        csumOffset = VirtioNetHdr.csumOffset(frame, base);
        if (length <= VirtioNetHdr.SIZE + link) return drop();
        int version = (frame.getByte(p + link) & 0xff) >> 4;
        ipv6 = version == 6;
        if (needsCsum && csumStart + csumOffset + 2 > length - VirtioNetHdr.SIZE) return drop();
        gso = type != VirtioNetHdr.GSO_NONE;
        index = 0;
        next = p;
        if (!gso) {
            pending = true;
            return true;
        }
        if (version != 4 && version != 6) return drop();
        if (link > 0) {   // an Ethernet frame: a super-packet must be untagged IPv4 or IPv6
            int etherType = frame.getShort(p + link - 2, ByteOrder.BIG_ENDIAN) & 0xffff;
            if (etherType != (ipv6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4)) return drop();
        }
        protocol = type == VirtioNetHdr.GSO_UDP_L4 ? Checksum.PROTO_UDP : Checksum.PROTO_TCP;
        if (type != VirtioNetHdr.GSO_TCPV4 && type != VirtioNetHdr.GSO_TCPV6 && type != VirtioNetHdr.GSO_UDP_L4) return drop();
        // the transport header starts at csum_start (after any IPv6 extension headers); recompute the header
        // length from it, as the kernel's hdr_len may cover more than the headers
        l4 = csumStart;
        int minL4 = link + (ipv6 ? 40 : (frame.getByte(p + link) & 0xf) * 4);
        if (!needsCsum || l4 < minL4) return drop();
        if (VirtioNetHdr.SIZE + l4 + (protocol == Checksum.PROTO_TCP ? 20 : 8) > length) return drop();
        int l4Header = protocol == Checksum.PROTO_TCP ? ((frame.getByte(p + l4 + 12) & 0xff) >> 4) * 4 : 8;
        if (l4Header < 8) return drop();
        headers = l4 + l4Header;
        segmentSize = VirtioNetHdr.gsoSize(frame, base);
        payloadStart = p + headers;
        next = payloadStart;
        if (segmentSize == 0 || payloadStart >= frameEnd) return drop();
        superPackets++;
        pending = true;
        return true;
    }

    private boolean drop() {
        dropped++;
        return false;
    }

    /**
     * Writes the next packet at {@code off} of {@code dst} if it fits in {@code room} bytes; returns its
     * length, or -1 if it did not fit (it is dropped, and the next call moves on).
     */
    int next(MutableDirectBuffer dst, int off, int room) {
        return gso ? nextSegment(dst, off, room) : whole(dst, off, room);
    }

    private int whole(MutableDirectBuffer dst, int off, int room) {
        pending = false;
        int len = frameEnd - base - VirtioNetHdr.SIZE;
        if (len > room) {
            dropped++;
            return -1;
        }
        dst.putBytes(off, frame, base + VirtioNetHdr.SIZE, len);
        if (needsCsum) {
            // the field holds the pseudo-header sum; the sum from csum_start to the end completes it
            int field = off + csumStart + csumOffset;
            int c = ~Checksum.sum(dst, off + csumStart, len - csumStart, 0) & 0xffff;
            if (c == 0 && csumOffset == 6) c = 0xffff; // UDP sends a zero sum as all ones (RFC 768)
            dst.putShort(field, (short) c, ByteOrder.BIG_ENDIAN);
        }
        return len;
    }

    private int nextSegment(MutableDirectBuffer dst, int off, int room) {
        int payload = Math.min(segmentSize, frameEnd - next);
        int len = headers + payload;
        int offsetInStream = next - payloadStart;
        boolean last = next + payload >= frameEnd;
        int i = index++;
        next += payload;
        pending = !last;
        if (len > room) {
            dropped++;
            return -1;
        }
        int p = base + VirtioNetHdr.SIZE;
        dst.putBytes(off, frame, p, headers);
        // the payload's sum comes with its copy; the headers (an even length, so the payload's words stay
        // aligned) are summed after their fix-ups below
        int payloadSum = Checksum.copyAndSum(frame, p + headers + offsetInStream, dst, off + headers, payload);
        int ip = off + link, ipLen = len - link;
        if (ipv6) {
            dst.putShort(ip + 4, (short) (ipLen - 40), ByteOrder.BIG_ENDIAN);
        } else {
            dst.putShort(ip + 2, (short) ipLen, ByteOrder.BIG_ENDIAN);
            int id = frame.getShort(p + link + 4, ByteOrder.BIG_ENDIAN) & 0xffff;
            dst.putShort(ip + 4, (short) (id + i), ByteOrder.BIG_ENDIAN);
            Checksum.ipv4Header(dst, ip);
        }
        int t = off + l4, l4Length = len - l4, field;
        if (protocol == Checksum.PROTO_TCP) {
            long seq = frame.getInt(p + l4 + 4, ByteOrder.BIG_ENDIAN) & 0xffffffffL;
            dst.putInt(t + 4, (int) (seq + offsetInStream), ByteOrder.BIG_ENDIAN);
            int flags = frame.getByte(p + l4 + 13) & 0xff;
            if (!last) flags &= ~(TCP_FIN | TCP_PSH);
            if (i > 0) flags &= ~TCP_CWR;
            dst.putByte(t + 13, (byte) flags);
            field = t + 16;
        } else {
            dst.putShort(t + 4, (short) l4Length, ByteOrder.BIG_ENDIAN);
            field = t + 6;
        }
        dst.putShort(field, (short) 0);
        int headerSum = Checksum.sum(dst, t, headers - l4, Checksum.pseudoHeader(dst, ip, ipv6, protocol, l4Length));
        int c = ~Checksum.add(headerSum, payloadSum) & 0xffff;
        if (c == 0 && protocol == Checksum.PROTO_UDP) c = 0xffff;
        dst.putShort(field, (short) c, ByteOrder.BIG_ENDIAN);
        return len;
    }
}
