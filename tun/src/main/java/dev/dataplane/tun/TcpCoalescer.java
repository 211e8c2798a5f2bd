package dev.dataplane.tun;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Software GRO for writes to a TUN device with offloads: runs of TCP segments of one flow in a batch
 * (consecutive sequence numbers, equal headers but for the sequence number, equal-sized payloads, the last
 * possibly shorter) become one TCP super-packet behind a virtio_net_hdr, so the kernel's TCP takes 64 KB in
 * one go instead of 45 packets. Everything else is passed on as it is.
 *
 * <p>{@link #plan} lays out, per frame to write, a native iovec list: the virtio_net_hdr, then either the
 * whole packet or a rewritten copy of the first segment's headers followed by every segment's payload. The
 * payloads stay in the batch slots (no copy). Same-flow packets keep their order; flows may be reordered
 * relative to each other, as GRO does. On a TAP device each packet is an Ethernet frame: the IP packet starts
 * after the link header, which segments of one flow must share and the super-frame carries once.
 */
final class TcpCoalescer implements FrameList {
    static final int MAX_SEGMENTS = 64, MAX_IP_LENGTH = 65535;
    private static final int SCRATCH_PER_FRAME = 16 + 128; // virtio_net_hdr, then room for IPv6 + TCP headers
    private static final int TCP_ACK = 0x10, TCP_PSH = 0x08;

    private static final int ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_IPV6 = 0x86DD;

    private final int capacity;
    private final int link;
    private final UnsafeBuffer scratch;
    private final UnsafeBuffer iovecs;
    private final int[] firstSlot, count, segment, nextSeq, ipLength, hash, nextInGroup, lastSlot;
    private final boolean[] closed;
    private final int[] iovStart, iovCount;
    private int frames;
    long superPackets; // frames written that carry several segments (tests check coalescing happened)

    TcpCoalescer(int capacity) {
        this(capacity, 0);
    }

    /** {@code linkHeader}: 0 for IP packets (TUN), 14 for Ethernet frames (TAP). */
    TcpCoalescer(int capacity, int linkHeader) {
        this.capacity = capacity;
        this.link = linkHeader;
        this.scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity * SCRATCH_PER_FRAME, 64));
        this.iovecs = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity * 3 * 16, 64));
        firstSlot = new int[capacity];
        count = new int[capacity];
        segment = new int[capacity];
        nextSeq = new int[capacity];
        ipLength = new int[capacity];
        hash = new int[capacity];
        nextInGroup = new int[capacity];
        lastSlot = new int[capacity];
        closed = new boolean[capacity];
        iovStart = new int[capacity];
        iovCount = new int[capacity];
    }

    int capacity() {
        return capacity;
    }

    /** Groups slots {@code [0, count)} of {@code batch} into frames; returns how many frames to write. */
    int plan(PacketBatch batch) {
        int n = batch.count();
        if (n > capacity) throw new IllegalArgumentException("batch of " + n + " > " + capacity);
        UnsafeBuffer b = batch.view();
        int groups = 0;
        for (int i = 0; i < n; i++) {
            nextInGroup[i] = -1;
            int off = batch.offset(i) + link, len = batch.length(i) - link;
            int h = len > 0 && ipEtherType(b, off, len) ? tcpFlowHash(b, off, len, batch.knownSum(i), batch.authenticated()) : 0;
            int g = -1;
            if (h != 0) {
                for (int k = groups - 1; k >= 0; k--) {
                    if (hash[k] != h || !sameFlow(b, batch, firstSlot[k], off)) continue;
                    if (!closed[k] && canAppend(b, batch, k, off, len)) {
                        g = k;
                    } else {
                        closed[k] = true; // keep the flow in order: later segments start a new group
                    }
                    break;
                }
            }
            if (g >= 0) {
                nextInGroup[lastSlot[g]] = i;
                lastSlot[g] = i;
                count[g]++;
                int payload = payloadLength(b, off, len);
                ipLength[g] += payload;
                nextSeq[g] += payload;
                if (payload < segment[g] || (tcpFlags(b, off) & TCP_PSH) != 0) closed[g] = true;
            } else {
                g = groups++;
                firstSlot[g] = i;
                lastSlot[g] = i;
                count[g] = 1;
                hash[g] = h;
                closed[g] = h == 0;
                if (h != 0) {
                    int payload = payloadLength(b, off, len);
                    segment[g] = payload;
                    ipLength[g] = len;
                    nextSeq[g] = seq(b, off) + payload;
                    if ((tcpFlags(b, off) & TCP_PSH) != 0) closed[g] = true;
                }
            }
        }
        frames = groups;
        int iov = 0;
        for (int g = 0; g < groups; g++) {
            iovStart[g] = iov;
            if (count[g] > 1) superPackets++;
            iov += count[g] == 1 ? single(batch, g, iov) : coalesced(batch, g, iov);
            iovCount[g] = iov - iovStart[g];
        }
        Arrays.fill(closed, 0, groups, false);
        return frames;
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public long iovAddress(int frame) {
        return iovecs.addressOffset() + (long) iovStart[frame] * 16;
    }

    @Override
    public int iovCount(int frame) {
        return iovCount[frame];
    }

    @Override
    public int packets(int frame) {
        return count[frame];
    }

    private int single(PacketBatch batch, int g, int iov) {
        int s = g * SCRATCH_PER_FRAME;
        VirtioNetHdr.putNone(scratch, s);
        putIovec(iov, scratch.addressOffset() + s, VirtioNetHdr.SIZE);
        putIovec(iov + 1, batch.address(firstSlot[g]), batch.length(firstSlot[g]));
        return 2;
    }

    private int coalesced(PacketBatch batch, int g, int iov) {
        UnsafeBuffer b = batch.view();
        int first = firstSlot[g], off = batch.offset(first) + link;
        boolean v6 = version(b, off) == 6;
        int ip = v6 ? 40 : 20, tcpLen = ((b.getByte(off + ip + 12) & 0xff) >> 4) * 4, headers = ip + tcpLen;
        int s = g * SCRATCH_PER_FRAME, h = s + 16 + link;   // the link header (if any) goes just before h
        scratch.putBytes(h - link, b, off - link, link + headers);
        int total = ipLength[g];
        if (v6) {
            scratch.putShort(h + 4, (short) (total - 40), ByteOrder.BIG_ENDIAN);
        } else {
            scratch.putShort(h + 2, (short) total, ByteOrder.BIG_ENDIAN);
            Checksum.ipv4Header(scratch, h);
        }
        int lastFlags = tcpFlags(b, batch.offset(lastSlot[g]));
        scratch.putByte(h + ip + 13, (byte) ((scratch.getByte(h + ip + 13) & ~TCP_PSH) | (lastFlags & TCP_PSH)));
        // CHECKSUM_PARTIAL: the field carries the pseudo-header sum, the kernel adds the rest
        int pseudo = Checksum.pseudoHeader(scratch, h, v6, Checksum.PROTO_TCP, total - ip);
        scratch.putShort(h + ip + 16, (short) pseudo, ByteOrder.BIG_ENDIAN);
        VirtioNetHdr.put(scratch, s, VirtioNetHdr.F_NEEDS_CSUM, v6 ? VirtioNetHdr.GSO_TCPV6 : VirtioNetHdr.GSO_TCPV4,
                link + headers, segment[g], link + ip, 16);
        putIovec(iov, scratch.addressOffset() + s, VirtioNetHdr.SIZE);
        putIovec(iov + 1, scratch.addressOffset() + h - link, link + headers);
        int used = 2;
        for (int i = first; i >= 0; i = nextInGroup[i]) {
            int o = batch.offset(i) + link, len = batch.length(i) - link;
            int payload = payloadLength(b, o, len);
            putIovec(iov + used++, batch.address(i) + (batch.length(i) - payload), payload);
        }
        return used;
    }

    private void putIovec(int index, long address, long length) {
        iovecs.putLong(index * 16, address);
        iovecs.putLong(index * 16 + 8, length);
    }

    private static int version(UnsafeBuffer b, int off) {
        return (b.getByte(off) & 0xff) >> 4;
    }

    /**
     * A non-zero hash of the flow if the packet may be coalesced: IPv4 without options or fragmentation, or
     * IPv6 without extension headers; TCP carrying data with ACK and at most PSH besides; and, as the kernel's
     * GRO requires, correct IPv4 header and TCP checksums: a merged frame gets fresh ones, so merging a corrupt
     * segment would make it valid. 0 otherwise (the packet then goes up alone, and the kernel drops it if bad).
     * The TCP checksum is not checked in an {@link PacketBatch#authenticated} batch.
     */
    private int tcpFlowHash(UnsafeBuffer b, int off, int len, int knownSum, boolean authenticated) {
        int v = len >= 20 ? version(b, off) : 0, ip;
        if (v == 4) {
            if ((b.getByte(off) & 0xf) != 5 || b.getByte(off + 9) != Checksum.PROTO_TCP) return 0;
            if ((b.getShort(off + 2, ByteOrder.BIG_ENDIAN) & 0xffff) != len) return 0;
            if ((b.getShort(off + 6, ByteOrder.BIG_ENDIAN) & 0x3fff) != 0) return 0; // MF or a fragment offset
            ip = 20;
        } else if (v == 6) {
            if (len < 60 || b.getByte(off + 6) != Checksum.PROTO_TCP) return 0;
            if ((b.getShort(off + 4, ByteOrder.BIG_ENDIAN) & 0xffff) + 40 != len) return 0;
            ip = 40;
        } else {
            return 0;
        }
        if (len < ip + 20) return 0;
        int tcpLen = ((b.getByte(off + ip + 12) & 0xff) >> 4) * 4;
        if (tcpLen < 20 || ip + tcpLen >= len) return 0; // no payload: pure ACKs pass through
        int flags = b.getByte(off + ip + 13) & 0xff;
        if ((flags & TCP_ACK) == 0 || (flags & ~(TCP_ACK | TCP_PSH)) != 0) return 0;
        if (v == 4 && Checksum.sum(b, off, 20, 0) != 0xffff) return 0;
        if (!authenticated && !tcpChecksumValid(b, off, len, ip, v == 6, knownSum)) return 0;
        int h = v == 4
                ? b.getInt(off + 12) * 31 + b.getInt(off + 16)
                : Long.hashCode(((b.getLong(off + 8) * 31 + b.getLong(off + 16)) * 31 + b.getLong(off + 24)) * 31 + b.getLong(off + 32));
        h = h * 31 + b.getInt(off + ip); // the ports
        return h == 0 ? 1 : h;
    }

    private boolean tcpChecksumValid(UnsafeBuffer b, int off, int len, int ip, boolean v6, int knownSum) {
        int pseudo = Checksum.pseudoHeader(b, off, v6, Checksum.PROTO_TCP, len - ip);
        // the receive's copy summed the whole packet: take the (even-length) link and IP headers back off it
        // rather than read the segment again
        int segment = knownSum >= 0
                ? Checksum.subtract(knownSum, Checksum.sum(b, off - link, link + ip, 0))
                : Checksum.sum(b, off + ip, len - ip, 0);
        return Checksum.add(segment, pseudo) == 0xffff;
    }

    /** Without a link header always true; with one, the frame must carry untagged IPv4 or IPv6, as its IP header says. */
    private boolean ipEtherType(UnsafeBuffer b, int off, int len) {
        if (link == 0) return true;
        int type = b.getShort(off - 2, ByteOrder.BIG_ENDIAN) & 0xffff;
        return type == (version(b, off) == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
    }

    private boolean sameFlow(UnsafeBuffer b, PacketBatch batch, int firstSlot, int off) {
        int o = batch.offset(firstSlot) + link;
        if (version(b, o) != version(b, off)) return false;
        if (link > 0 && (b.getLong(o - link) != b.getLong(off - link) || b.getInt(o - link + 8) != b.getInt(off - link + 8))) {
            return false;   // other MAC addresses: another link-level flow
        }
        if (version(b, off) == 4) return b.getLong(o + 12) == b.getLong(off + 12) && b.getInt(o + 20) == b.getInt(off + 20);
        for (int i = 8; i < 40; i += 8) if (b.getLong(o + i) != b.getLong(off + i)) return false;
        return b.getInt(o + 40) == b.getInt(off + 40);
    }

    /** Same flow established; can the packet at {@code off} extend group {@code g}? */
    private boolean canAppend(UnsafeBuffer b, PacketBatch batch, int g, int off, int len) {
        int o = batch.offset(firstSlot[g]) + link;
        boolean v6 = version(b, off) == 6;
        int ip = v6 ? 40 : 20;
        int payload = payloadLength(b, off, len);
        if (count[g] >= MAX_SEGMENTS || payload > segment[g] || ipLength[g] + payload > MAX_IP_LENGTH) return false;
        if (seq(b, off) != nextSeq[g]) return false;
        if (v6) {
            if (b.getInt(o) != b.getInt(off) || b.getByte(o + 7) != b.getByte(off + 7)) return false; // class, flow, hops
        } else {
            if (b.getByte(o + 1) != b.getByte(off + 1) || b.getByte(o + 8) != b.getByte(off + 8)) return false; // TOS, TTL
            if (((b.getByte(o + 6) ^ b.getByte(off + 6)) & 0x40) != 0) return false; // DF
        }
        int tcpLen = ((b.getByte(off + ip + 12) & 0xff) >> 4) * 4;
        if (b.getInt(o + ip + 8) != b.getInt(off + ip + 8)) return false; // ack number
        // data offset, flags (but PSH) and window must match, as must every option byte
        if (((b.getInt(o + ip + 12, ByteOrder.BIG_ENDIAN) ^ b.getInt(off + ip + 12, ByteOrder.BIG_ENDIAN)) & ~(TCP_PSH << 16)) != 0) {
            return false;
        }
        // options come in 4-byte words (the data offset counts them): 8 bytes, then 4, per compare
        int i = 20;
        for (; i + 8 <= tcpLen; i += 8) if (b.getLong(o + ip + i) != b.getLong(off + ip + i)) return false;
        return i == tcpLen || b.getInt(o + ip + i) == b.getInt(off + ip + i);
    }

    private static int payloadLength(UnsafeBuffer b, int off, int len) {
        int ip = version(b, off) == 6 ? 40 : 20;
        return len - ip - ((b.getByte(off + ip + 12) & 0xff) >> 4) * 4;
    }

    private static int seq(UnsafeBuffer b, int off) {
        int ip = version(b, off) == 6 ? 40 : 20;
        return b.getInt(off + ip + 4, ByteOrder.BIG_ENDIAN);
    }

    private static int tcpFlags(UnsafeBuffer b, int off) {
        int ip = version(b, off) == 6 ? 40 : 20;
        return b.getByte(off + ip + 13) & 0xff;
    }
}
