package dev.dataplane.tun;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Splitting offloaded super-packets and coalescing segments back, checked against the independent checksum
 * code in {@link Packets}. No root needed: these work on buffers only.
 */
class OffloadTest {
    private static final int TCP = 6, UDP = 17;
    private static final int ACK = 0x10, PSH = 0x08, FIN = 0x01, CWR = 0x80;

    /** Builds a frame as the kernel hands it over: virtio_net_hdr, then IP + TCP/UDP headers, then payload. */
    static int superFrame(UnsafeBuffer b, int off, boolean v6, int protocol, int payload, int gsoSize, int flags, Random r) {
        int ip = v6 ? 40 : 20, l4h = protocol == TCP ? 32 : 8, len = ip + l4h + payload;
        int p = off + VirtioNetHdr.SIZE;
        b.setMemory(p, len, (byte) 0);
        writeIp(b, p, v6, protocol, len, 0x1234);
        if (!v6) b.putShort(p + 10, (short) Packets.checksum(b.byteBuffer(), p, 20, 0), ByteOrder.BIG_ENDIAN);
        int t = p + ip;
        b.putShort(t, (short) 40000, ByteOrder.BIG_ENDIAN);
        b.putShort(t + 2, (short) 5201, ByteOrder.BIG_ENDIAN);
        if (protocol == TCP) {
            b.putInt(t + 4, 0xfffff000, ByteOrder.BIG_ENDIAN); // sequence numbers wrap inside this packet
            b.putInt(t + 8, 0x01020304, ByteOrder.BIG_ENDIAN);
            b.putByte(t + 12, (byte) (8 << 4));
            b.putByte(t + 13, (byte) flags);
            b.putShort(t + 14, (short) 501, ByteOrder.BIG_ENDIAN);
            b.putInt(t + 20, 0x0101080a); // NOP NOP timestamps
            b.putInt(t + 24, 77, ByteOrder.BIG_ENDIAN);
            b.putInt(t + 28, 66, ByteOrder.BIG_ENDIAN);
        } else {
            b.putShort(t + 4, (short) (8 + payload), ByteOrder.BIG_ENDIAN);
        }
        for (int i = 0; i < payload; i++) b.putByte(t + l4h + i, (byte) r.nextInt());
        // CHECKSUM_PARTIAL: the kernel leaves the pseudo-header sum in the checksum field
        int field = t + (protocol == TCP ? 16 : 6);
        b.putShort(field, (short) Checksum.pseudoHeader(b, p, v6, protocol, len - ip), ByteOrder.BIG_ENDIAN);
        int type = protocol == UDP ? VirtioNetHdr.GSO_UDP_L4 : v6 ? VirtioNetHdr.GSO_TCPV6 : VirtioNetHdr.GSO_TCPV4;
        VirtioNetHdr.put(b, off, VirtioNetHdr.F_NEEDS_CSUM, gsoSize == 0 ? 0 : type, ip + l4h, gsoSize, ip, protocol == TCP ? 16 : 6);
        return VirtioNetHdr.SIZE + len;
    }

    static void writeIp(UnsafeBuffer b, int p, boolean v6, int protocol, int len, int id) {
        if (v6) {
            b.putInt(p, 0x60000000, ByteOrder.BIG_ENDIAN);
            b.putShort(p + 4, (short) (len - 40), ByteOrder.BIG_ENDIAN);
            b.putByte(p + 6, (byte) protocol);
            b.putByte(p + 7, (byte) 64);
            b.putShort(p + 8, (short) 0xfd00, ByteOrder.BIG_ENDIAN);
            b.putByte(p + 23, (byte) 1);
            b.putShort(p + 24, (short) 0xfd00, ByteOrder.BIG_ENDIAN);
            b.putByte(p + 39, (byte) 2);
        } else {
            b.putByte(p, (byte) 0x45);
            b.putShort(p + 2, (short) len, ByteOrder.BIG_ENDIAN);
            b.putShort(p + 4, (short) id, ByteOrder.BIG_ENDIAN);
            b.putShort(p + 6, (short) 0x4000, ByteOrder.BIG_ENDIAN); // DF
            b.putByte(p + 8, (byte) 64);
            b.putByte(p + 9, (byte) protocol);
            b.putInt(p + 12, 0x0a000001, ByteOrder.BIG_ENDIAN);
            b.putInt(p + 16, 0x0a000002, ByteOrder.BIG_ENDIAN);
        }
    }

    private static ByteBuffer bytes(UnsafeBuffer b, int off, int len) {
        ByteBuffer out = ByteBuffer.allocate(len);
        for (int i = 0; i < len; i++) out.put(i, b.getByte(off + i));
        return out;
    }

    @ParameterizedTest(name = "v6={0} protocol={1}")
    @CsvSource({"false,6", "true,6", "false,17", "true,17"})
    void splitsSuperPacketsIntoValidSegments(boolean v6, int protocol) {
        UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(TunDevice.FRAME_SIZE, 64));
        Random r = new Random(7);
        int payload = 4 * 1360 + 555, gso = 1360;
        int len = superFrame(frame, 0, v6, protocol, payload, gso, ACK | PSH | FIN | CWR, r);
        GsoSplitter s = new GsoSplitter();
        assertTrue(s.load(frame, 0, len));
        PacketBatch out = new PacketBatch(16, 2048);
        int n = 0;
        while (s.hasNext()) {
            int l = s.next(out.view(), out.offset(n), out.maxPacket());
            out.length(n++, l);
        }
        assertEquals(5, n);
        int ip = v6 ? 40 : 20, l4h = protocol == TCP ? 32 : 8;
        int original = VirtioNetHdr.SIZE + ip + l4h;
        for (int i = 0; i < n; i++) {
            int off = out.offset(i), l = out.length(i);
            int expect = i < 4 ? gso : 555;
            assertEquals(ip + l4h + expect, l, "segment " + i);
            assertTrue(Packets.checksumsValid(out.buffer(), off, l), "checksums of segment " + i);
            for (int j = 0; j < expect; j++) {
                assertEquals(frame.getByte(original + i * gso + j), out.view().getByte(off + ip + l4h + j), "payload byte " + j);
            }
            if (!v6) assertEquals(0x1234 + i, out.view().getShort(off + 4, ByteOrder.BIG_ENDIAN) & 0xffff, "IPv4 id");
            if (protocol == TCP) {
                int seq = out.view().getInt(off + ip + 4, ByteOrder.BIG_ENDIAN);
                assertEquals(0xfffff000 + i * gso, seq, "sequence number");
                int flags = out.view().getByte(off + ip + 13) & 0xff;
                assertEquals(i == 4, (flags & (PSH | FIN)) == (PSH | FIN), "PSH/FIN only on the last");
                assertEquals(i == 0, (flags & CWR) != 0, "CWR only on the first");
            } else {
                assertEquals(8 + expect, out.view().getShort(off + ip + 4, ByteOrder.BIG_ENDIAN) & 0xffff, "UDP length");
            }
        }
    }

    @ParameterizedTest(name = "v6={0} protocol={1}")
    @CsvSource({"false,6", "true,6", "false,17", "true,17"})
    void finishesAPartialChecksum(boolean v6, int protocol) {
        UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4096, 64));
        int len = superFrame(frame, 0, v6, protocol, 777, 0, ACK, new Random(3));
        GsoSplitter s = new GsoSplitter();
        assertTrue(s.load(frame, 0, len));
        PacketBatch out = new PacketBatch(1, 2048);
        int l = s.next(out.view(), out.offset(0), out.maxPacket());
        assertEquals(len - VirtioNetHdr.SIZE, l);
        assertTrue(Packets.checksumsValid(out.buffer(), out.offset(0), l));
        assertFalse(s.hasNext());
    }

    @Test
    void checksumMatchesTheBytewiseReferenceForAnyLengthAndAlignment() {
        Random r = new Random(5);
        UnsafeBuffer b = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4096, 64));
        for (int i = 0; i < 4096; i++) b.putByte(i, (byte) r.nextInt());
        for (int trial = 0; trial < 2000; trial++) {
            int off = r.nextInt(64), len = r.nextInt(2000), init = r.nextInt(0x10000);
            int expect = Packets.sum(b.byteBuffer(), off, len, init);
            // 0 and 0xffff are the two zeros of ones' complement arithmetic
            assertEquals(expect % 0xffff, Checksum.sum(b, off, len, init) % 0xffff, "off " + off + " len " + len);
        }
        UnsafeBuffer heap = new UnsafeBuffer(new byte[100]);
        heap.putByte(3, (byte) 0x12);
        assertEquals(0x1200, Checksum.sum(heap, 3, 1, 0), "heap buffers and a trailing byte");
    }

    @Test
    void dropsMalformedFrames() {
        UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4096, 64));
        GsoSplitter s = new GsoSplitter();
        assertFalse(s.load(frame, 0, 5), "shorter than the header");
        int len = superFrame(frame, 0, false, TCP, 3000, 1000, ACK, new Random(1));
        VirtioNetHdr.put(frame, 0, VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.GSO_TCPV4, 52, 1000, 4000, 16);
        assertFalse(s.load(frame, 0, len), "csum_start beyond the packet");
        VirtioNetHdr.put(frame, 0, VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.GSO_UDP, 28, 1000, 20, 6);
        assertFalse(s.load(frame, 0, len), "UFO is not enabled");
        assertEquals(3, s.dropped);
    }

    /** Segments as a sender's TCP would emit them: consecutive sequence numbers, valid checksums. */
    private static void segment(PacketBatch b, int slot, boolean v6, int port, int seq, int payload, int flags, int id, Random r) {
        UnsafeBuffer v = b.view();
        int off = b.slotOffset(slot), ip = v6 ? 40 : 20, len = ip + 32 + payload;
        v.setMemory(off, len, (byte) 0);
        writeIp(v, off, v6, TCP, len, id);
        int t = off + ip;
        v.putShort(t, (short) port, ByteOrder.BIG_ENDIAN);
        v.putShort(t + 2, (short) 5201, ByteOrder.BIG_ENDIAN);
        v.putInt(t + 4, seq, ByteOrder.BIG_ENDIAN);
        v.putInt(t + 8, 99, ByteOrder.BIG_ENDIAN);
        v.putByte(t + 12, (byte) (8 << 4));
        v.putByte(t + 13, (byte) flags);
        v.putShort(t + 14, (short) 500, ByteOrder.BIG_ENDIAN);
        v.putInt(t + 20, 0x0101080a);
        v.putInt(t + 24, 5, ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < payload; i++) v.putByte(t + 32 + i, (byte) r.nextInt());
        if (!v6) Checksum.ipv4Header(v, off);
        v.putShort(t + 16, (short) Packets.checksum(b.buffer(), t, len - ip,
                Packets.pseudoHeaderSum(b.buffer(), off, TCP, len - ip)), ByteOrder.BIG_ENDIAN);
        b.set(slot, 0, len);
        assertTrue(Packets.checksumsValid(b.buffer(), off, len));
    }

    /** Sets one byte of the TCP header (options included) of the segment in {@code slot} and fixes its checksum. */
    private static void setTcpByte(PacketBatch b, int slot, boolean v6, int at, byte value) {
        UnsafeBuffer v = b.view();
        int off = b.offset(slot), ip = v6 ? 40 : 20, len = b.length(slot), t = off + ip;
        v.putByte(t + at, value);
        v.putShort(t + 16, (short) 0);
        v.putShort(t + 16, (short) Packets.checksum(b.buffer(), t, len - ip,
                Packets.pseudoHeaderSum(b.buffer(), off, TCP, len - ip)), ByteOrder.BIG_ENDIAN);
        assertTrue(Packets.checksumsValid(b.buffer(), off, len));
    }

    /** Segments whose TCP options differ anywhere (here: the first and the last word of three) stay apart. */
    @ParameterizedTest(name = "v6={0}, option byte {1}")
    @CsvSource({"false,-1", "false,23", "false,30", "true,-1", "true,21", "true,31"})
    void coalescesOnlySegmentsWithEqualOptions(boolean v6, int optionByte) {
        Random r = new Random(5);
        PacketBatch in = new PacketBatch(4, 2048);
        segment(in, 0, v6, 40000, 1000, 1200, ACK, 1, r);
        segment(in, 1, v6, 40000, 2200, 1200, ACK, 2, r);
        if (optionByte >= 0) setTcpByte(in, 1, v6, optionByte, (byte) 0x77);
        in.count(2);
        TcpCoalescer c = new TcpCoalescer(4);
        assertEquals(optionByte < 0 ? 1 : 2, c.plan(in));
    }

    /** The bytes a frame's iovecs gather, as the kernel would read them with writev. */
    private static UnsafeBuffer gather(FrameList frames, int frame) {
        UnsafeBuffer iov = new UnsafeBuffer(frames.iovAddress(frame), frames.iovCount(frame) * 16);
        int total = 0;
        for (int i = 0; i < frames.iovCount(frame); i++) total += (int) iov.getLong(i * 16 + 8);
        UnsafeBuffer out = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(64, total + 64), 64));
        int pos = 0;
        for (int i = 0; i < frames.iovCount(frame); i++) {
            int len = (int) iov.getLong(i * 16 + 8);
            out.putBytes(pos, new UnsafeBuffer(iov.getLong(i * 16), len), 0, len);
            pos += len;
        }
        return new UnsafeBuffer(out, 0, pos);
    }

    @ParameterizedTest(name = "v6={0}")
    @CsvSource({"false", "true"})
    void coalescesRunsPerFlowAndSplitsBackToTheSameSegments(boolean v6) {
        Random r = new Random(11);
        PacketBatch in = new PacketBatch(16, 2048);
        // flow A: 4 full segments + a short one with PSH; flow B interleaved: 2 full; then a pure ACK,
        // an out-of-order segment of A (new group) and a lone full segment of B
        int slot = 0;
        int a = 1000, b = 50000;
        List<Integer> aSlots = new ArrayList<>(), bSlots = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            aSlots.add(slot);
            segment(in, slot++, v6, 40000, a, 1200, ACK, 100 + i, r);
            a += 1200;
            if (i < 2) {
                bSlots.add(slot);
                segment(in, slot++, v6, 40001, b, 1200, ACK, 7 + i, r);
                b += 1200;
            }
        }
        aSlots.add(slot);
        segment(in, slot++, v6, 40000, a, 300, ACK | PSH, 104, r);
        int pureAck = slot;
        segment(in, slot++, v6, 40002, 1, 0, ACK, 1, r);
        int outOfOrder = slot;
        segment(in, slot++, v6, 40000, a + 5000, 1200, ACK, 105, r);
        int lateB = slot;
        segment(in, slot++, v6, 40001, b + 1200, 1200, ACK, 9, r); // not contiguous with B's run
        in.count(slot);

        TcpCoalescer c = new TcpCoalescer(16);
        int frames = c.plan(in);
        assertEquals(5, frames, "A run, B run, pure ACK, A out of order, late B");
        assertEquals(5, c.packets(0));
        assertEquals(2, c.packets(1));
        int[] singles = {pureAck, outOfOrder, lateB};
        for (int f = 2; f < 5; f++) {
            assertEquals(1, c.packets(f));
            UnsafeBuffer g = gather(c, f);
            assertEquals(0, VirtioNetHdr.gsoType(g, 0));
            int s = singles[f - 2];
            assertEquals(in.length(s) + VirtioNetHdr.SIZE, g.capacity());
        }

        for (int f = 0; f < 2; f++) {
            UnsafeBuffer g = gather(c, f);
            assertEquals(v6 ? VirtioNetHdr.GSO_TCPV6 : VirtioNetHdr.GSO_TCPV4, VirtioNetHdr.gsoType(g, 0));
            assertEquals(1200, VirtioNetHdr.gsoSize(g, 0));
            assertEquals(VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.flags(g, 0));
            // complete the partial checksum as the kernel would, then check it independently
            int p = VirtioNetHdr.SIZE, start = VirtioNetHdr.csumStart(g, 0), field = p + start + VirtioNetHdr.csumOffset(g, 0);
            int len = g.capacity() - p;
            UnsafeBuffer done = new UnsafeBuffer(ByteBuffer.allocateDirect(len));
            done.putBytes(0, g, p, len);
            int sum = Checksum.sum(done, start, len - start, 0);
            done.putShort(field - p, (short) ~sum, ByteOrder.BIG_ENDIAN);
            assertTrue(Packets.checksumsValid(done.byteBuffer(), 0, len), "completed checksum of the super-packet");
            int flags = done.getByte(start + 13) & 0xff;
            assertEquals(f == 0, (flags & PSH) != 0, "PSH from the run's last segment");

            // splitting the super-packet gives back the original segments byte for byte
            UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(TunDevice.FRAME_SIZE, 64));
            frame.putBytes(0, g, 0, g.capacity());
            GsoSplitter s = new GsoSplitter();
            assertTrue(s.load(frame, 0, g.capacity()));
            List<Integer> originals = f == 0 ? aSlots : bSlots;
            PacketBatch back = new PacketBatch(8, 2048);
            for (int i = 0; i < originals.size(); i++) {
                int l = s.next(back.view(), back.offset(i), back.maxPacket());
                int o = originals.get(i);
                assertEquals(in.length(o), l);
                assertEquals(bytes(in.view(), in.offset(o), l), bytes(back.view(), back.offset(i), l), "segment " + i + " round trip");
            }
            assertFalse(s.hasNext());
        }
    }

    /** Three full, consecutive 1200-byte segments of one flow, valid: a run the coalescer merges whole. */
    private static PacketBatch runOfThree(boolean v6) {
        Random r = new Random(5);
        PacketBatch in = new PacketBatch(4, 2048);
        int seq = 1000;
        for (int i = 0; i < 3; i++, seq += 1200) segment(in, i, v6, 40000, seq, 1200, ACK, 10 + i, r);
        in.count(3);
        return in;
    }

    @ParameterizedTest(name = "v6={0}")
    @CsvSource({"false", "true"})
    void neverCoalescesASegmentWhoseChecksumIsWrong(boolean v6) {
        PacketBatch in = runOfThree(v6);
        int corrupt = in.offset(1) + (v6 ? 40 : 20) + 32 + 77;
        in.view().putByte(corrupt, (byte) (in.view().getByte(corrupt) ^ 0x10));   // one payload bit flipped in transit
        TcpCoalescer c = new TcpCoalescer(4);
        assertEquals(3, c.plan(in), "the bad segment goes up alone, unchanged, and the run cannot continue past it");
        for (int f = 0; f < 3; f++) assertEquals(0, VirtioNetHdr.flags(gather(c, f), 0), "no NEEDS_CSUM: the kernel verifies");
        assertFalse(Packets.checksumsValid(in.buffer(), in.offset(1), in.length(1)), "still invalid as written");
    }

    /**
     * A batch whose bytes were authenticated end to end (WireGuard's AEAD) merges without checking TCP checksums,
     * as kernel WireGuard trusts what it decrypted: the segment with a wrong sum joins the run, and the super-packet
     * leaves its checksum to the kernel (NEEDS_CSUM). A wrong IPv4 header checksum still keeps a segment apart.
     */
    @ParameterizedTest(name = "v6={0}")
    @CsvSource({"false", "true"})
    void anAuthenticatedBatchMergesWithoutCheckingTcpChecksums(boolean v6) {
        PacketBatch in = runOfThree(v6);
        int tcpSum = in.offset(1) + (v6 ? 40 : 20) + 16;
        in.view().putByte(tcpSum, (byte) (in.view().getByte(tcpSum) ^ 0x10));
        in.authenticated(true);
        TcpCoalescer c = new TcpCoalescer(4);
        assertEquals(1, c.plan(in), "one run of three");
        assertEquals(3, c.packets(0));
        assertEquals(VirtioNetHdr.F_NEEDS_CSUM, VirtioNetHdr.flags(gather(c, 0), 0));
        in.authenticated(false);
        assertEquals(3, c.plan(in), "unauthenticated, the bad segment goes up alone again");
        if (!v6) {
            in.authenticated(true);
            int ipSum = in.offset(1) + 10;
            in.view().putByte(tcpSum, (byte) (in.view().getByte(tcpSum) ^ 0x10));   // the TCP sum right again
            in.view().putByte(ipSum, (byte) (in.view().getByte(ipSum) ^ 0x01));
            assertEquals(3, c.plan(in), "a bad IPv4 header sum keeps it apart even so");
        }
    }

    /**
     * As a VXLAN receive delivers them: each datagram (an 8-byte outer header, an Ethernet header, the segment)
     * copied into its slot with its sum taken on the way, the outer header stripped. The coalescer checks each
     * segment's checksum from that sum: good ones merge, and one whose payload was flipped before the copy does not.
     */
    @ParameterizedTest(name = "v6={0}")
    @CsvSource({"false", "true"})
    void checksTheChecksumFromTheSumTheReceiveTook(boolean v6) {
        Random r = new Random(9);
        PacketBatch made = new PacketBatch(4, 2048), in = new PacketBatch(4, 2048);
        UnsafeBuffer wire = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2048, 64));
        int outer = 8, link = TunDevice.ETHERNET_HEADER, seq = 1000;
        for (int i = 0; i < 4; i++, seq += 1200) {
            segment(made, i, v6, 40000, seq, 1200, ACK, 10 + i, r);
            for (int k = 0; k < outer + 12; k++) wire.putByte(k, (byte) (k < outer ? 0x31 * k + i : 0x50 + k));   // one MAC pair
            wire.putShort(outer + 12, (short) (v6 ? 0x86DD : 0x0800), ByteOrder.BIG_ENDIAN);
            wire.putBytes(outer + link, made.view(), made.offset(i), made.length(i));
            if (i == 2) wire.putByte(outer + link + (v6 ? 40 : 20) + 32 + 501, (byte) 0x7f);   // corrupt in transit
            int total = outer + link + made.length(i);
            in.filled(i, total);
            in.knownSum(i, Checksum.copyAndSum(wire, 0, in.view(), in.offset(i), total));
            in.strip(i, outer);
            assertEquals(Checksum.sum(in.view(), in.offset(i), in.length(i), 0), in.knownSum(i), "strip keeps the sum of what is left");
        }
        in.count(4);
        TcpCoalescer c = new TcpCoalescer(4, link);
        assertEquals(3, c.plan(in), "segments 0-1 merge; the corrupt one goes up alone; the last cannot follow it");
        assertEquals(2, c.packets(0));
        assertEquals(0, VirtioNetHdr.flags(gather(c, 1), 0), "the corrupt segment: no NEEDS_CSUM, the kernel verifies");

        in.strip(3, 1);
        assertEquals(-1, in.knownSum(3), "an odd strip misaligns the words: the sum is dropped");
        in.set(0, in.offset(0), in.length(0));
        assertEquals(-1, in.knownSum(0), "set may follow a rewrite: the sum is dropped");
    }

    @Test
    void leavesNonTcpAndOddPacketsAlone() {
        PacketBatch in = new PacketBatch(4, 2048);
        UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4096, 64));
        int len = superFrame(frame, 0, false, UDP, 100, 0, 0, new Random(2)) - VirtioNetHdr.SIZE;
        for (int i = 0; i < 3; i++) {
            in.view().putBytes(in.slotOffset(i), frame, VirtioNetHdr.SIZE, len);
            in.set(i, 0, len);
        }
        in.set(3, 0, 3); // garbage
        in.count(4);
        TcpCoalescer c = new TcpCoalescer(4);
        assertEquals(4, c.plan(in));
        byte[] expected = new byte[len];
        frame.getBytes(VirtioNetHdr.SIZE, expected);
        byte[] got = new byte[len];
        gather(c, 0).getBytes(VirtioNetHdr.SIZE, got);
        assertArrayEquals(expected, got);
    }

    /**
     * A TAP device hands over the same super-packets behind an Ethernet header (csum_start counts it): each
     * segment must be that header followed by exactly the segment a TUN device would have produced.
     */
    @ParameterizedTest(name = "v6={0} protocol={1} gso={2}")
    @CsvSource({"false,6,1360", "true,6,1360", "false,17,1360", "true,6,0"})
    void splitsEthernetFramesLikeIpPackets(boolean v6, int protocol, int gso) {
        UnsafeBuffer ip = new UnsafeBuffer(BufferUtil.allocateDirectAligned(TunDevice.FRAME_SIZE, 64));
        int len = superFrame(ip, 0, v6, protocol, 3 * 1360 + 99, gso, ACK | PSH, new Random(11));
        UnsafeBuffer eth = new UnsafeBuffer(BufferUtil.allocateDirectAligned(TunDevice.FRAME_SIZE, 64));
        int link = TunDevice.ETHERNET_HEADER;
        eth.putBytes(0, ip, 0, VirtioNetHdr.SIZE);
        eth.putShort(2, (short) (ip.getShort(2, ByteOrder.LITTLE_ENDIAN) + link), ByteOrder.LITTLE_ENDIAN);   // hdr_len
        eth.putShort(6, (short) (ip.getShort(6, ByteOrder.LITTLE_ENDIAN) + link), ByteOrder.LITTLE_ENDIAN);   // csum_start
        for (int i = 0; i < 12; i++) eth.putByte(VirtioNetHdr.SIZE + i, (byte) (0x50 + i));
        eth.putShort(VirtioNetHdr.SIZE + 12, (short) (v6 ? 0x86DD : 0x0800), ByteOrder.BIG_ENDIAN);
        eth.putBytes(VirtioNetHdr.SIZE + link, ip, VirtioNetHdr.SIZE, len - VirtioNetHdr.SIZE);

        GsoSplitter tun = new GsoSplitter(), tap = new GsoSplitter(link);
        assertTrue(tun.load(ip, 0, len));
        assertTrue(tap.load(eth, 0, len + link));
        PacketBatch a = new PacketBatch(8, 8192), b = new PacketBatch(8, 8192);
        int n = 0;
        while (tun.hasNext()) {
            assertTrue(tap.hasNext(), "as many Ethernet segments as IP segments");
            int la = tun.next(a.view(), a.offset(n), a.maxPacket());
            int lb = tap.next(b.view(), b.offset(n), b.maxPacket());
            assertEquals(la + link, lb, "segment " + n);
            for (int j = 0; j < link; j++) assertEquals(eth.getByte(VirtioNetHdr.SIZE + j), b.view().getByte(b.offset(n) + j));
            for (int j = 0; j < la; j++) {
                assertEquals(a.view().getByte(a.offset(n) + j), b.view().getByte(b.offset(n) + link + j), "segment " + n + " byte " + j);
            }
            n++;
        }
        assertFalse(tap.hasNext());
        assertEquals(gso == 0 ? 1 : 4, n);
    }

    @Test
    void refusesAnEthernetSuperPacketThatIsNotIp() {
        UnsafeBuffer ip = new UnsafeBuffer(BufferUtil.allocateDirectAligned(TunDevice.FRAME_SIZE, 64));
        int len = superFrame(ip, 0, false, TCP, 4000, 1360, ACK, new Random(2));
        UnsafeBuffer eth = new UnsafeBuffer(BufferUtil.allocateDirectAligned(TunDevice.FRAME_SIZE, 64));
        eth.putBytes(0, ip, 0, VirtioNetHdr.SIZE);
        eth.putShort(6, (short) (ip.getShort(6, ByteOrder.LITTLE_ENDIAN) + 14), ByteOrder.LITTLE_ENDIAN);
        eth.putShort(VirtioNetHdr.SIZE + 12, (short) 0x8100, ByteOrder.BIG_ENDIAN);   // a VLAN tag where IPv4 belongs
        eth.putBytes(VirtioNetHdr.SIZE + 14, ip, VirtioNetHdr.SIZE, len - VirtioNetHdr.SIZE);
        assertFalse(new GsoSplitter(14).load(eth, 0, len + 14));
    }
}
