package dev.dataplane.vxlan;

import dev.dataplane.device.Clock;
import dev.dataplane.device.DropReason;
import dev.dataplane.device.PacketDevice;
import dev.dataplane.encap.vxlan.VxlanHeader;
import dev.dataplane.tun.PacketBatch;
import dev.dataplane.tun.UdpEndpoint;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two VXLAN transforms on batches, without sockets or devices: headers, FDB choices and every drop. */
class VxlanTransformTest {
    private static final long OUR_MAC = 0x0a0000000002L, PEER_MAC = 0x0a0000000001L;

    private static VxlanDevice device(boolean learning, boolean gbp) throws Exception {
        PacketDevice none = PacketDevice.unattached(1450);
        VxlanConfig c = new VxlanConfig(1, 8472, null, List.of(), learning, gbp, 300);
        return new VxlanDevice("vxt0", none, Clock.SYSTEM, c, new PrintStream(new ByteArrayOutputStream()));
    }

    /** An Ethernet frame of {@code len} bytes in slot 0, after the batch's headroom. */
    private static void frame(PacketBatch b, long dst, long src, int len) {
        int off = b.offset(0);
        b.view().putShort(off, (short) (dst >>> 32), ByteOrder.BIG_ENDIAN);
        b.view().putInt(off + 2, (int) dst, ByteOrder.BIG_ENDIAN);
        b.view().putShort(off + 6, (short) (src >>> 32), ByteOrder.BIG_ENDIAN);
        b.view().putInt(off + 8, (int) src, ByteOrder.BIG_ENDIAN);
        b.view().putShort(off + 12, (short) 0x0800, ByteOrder.BIG_ENDIAN);
        for (int i = 14; i < len; i++) b.view().putByte(off + i, (byte) i);
        b.set(0, b.headroom(), len);
        b.count(1);
    }

    @Test
    void encapsulatesToTheEntryOfTheDestinationMac() throws Exception {
        VxlanDevice d = device(false, false);
        d.fdb.add(PEER_MAC, new Vtep(InetAddress.getByName("198.18.0.1"), 8472, 1), FdbEntry.State.PERMANENT, 0);
        VxlanEncap encap = new VxlanEncap(d);
        PacketBatch b = new PacketBatch(4, 2048, VxlanHeader.LENGTH);
        frame(b, PEER_MAC, OUR_MAC, 98);
        assertEquals(106, encap.encapsulate(b, 0, 0));
        int start = b.offset(0) - VxlanHeader.LENGTH;
        assertEquals(VxlanHeader.OK, VxlanHeader.check(b.view(), start, 106, false));
        assertEquals(1, VxlanHeader.vni(b.view(), start));
        assertEquals(new UdpEndpoint(new InetSocketAddress("198.18.0.1", 8472)), b.endpoint(0));

        frame(b, 0x0a00000000ffL, OUR_MAC, 60);
        assertEquals(-1, encap.encapsulate(b, 0, 0), "unknown MAC without a default entry");
        assertEquals(1, d.drops(DropReason.NO_VTEP));
        frame(b, PEER_MAC, OUR_MAC, 13);
        assertEquals(-1, encap.encapsulate(b, 0, 0), "shorter than an Ethernet header");
        assertEquals(1, d.drops(DropReason.BAD_FRAME));
        assertEquals(1, encap.tx.packets());
    }

    @Test
    void broadcastAndUnknownTakeTheAllZeroEntry() throws Exception {
        VxlanDevice d = device(false, false);
        d.fdb.add(Fdb.ZERO, new Vtep(InetAddress.getByName("fd00::9"), 4789, 1), FdbEntry.State.PERMANENT, 0);
        d.fdb.add(PEER_MAC, new Vtep(InetAddress.getByName("198.18.0.1"), 8472, 1), FdbEntry.State.PERMANENT, 0);
        VxlanEncap encap = new VxlanEncap(d);
        PacketBatch b = new PacketBatch(4, 2048, VxlanHeader.LENGTH);
        for (long dst : new long[] {0xffff_ffff_ffffL, 0x3333_0000_0001L, 0x0a00000000ffL}) {
            frame(b, dst, OUR_MAC, 60);
            assertEquals(68, encap.encapsulate(b, 0, 1));
            assertEquals(new UdpEndpoint(new InetSocketAddress("fd00::9", 4789)), b.endpoint(1), Long.toHexString(dst));
        }
    }

    /** A datagram of {@code frameLen} bytes of frame after {@code header} (8 bytes, hex) in slot 0. */
    private static PacketBatch datagram(String header, int frameLen, long src) {
        PacketBatch b = new PacketBatch(4, 2048);
        int off = b.offset(0);
        byte[] h = java.util.HexFormat.of().parseHex(header);
        b.view().putBytes(off, h);
        b.view().putShort(off + 8, (short) (OUR_MAC >>> 32), ByteOrder.BIG_ENDIAN);
        b.view().putInt(off + 10, (int) OUR_MAC, ByteOrder.BIG_ENDIAN);
        b.view().putShort(off + 14, (short) (src >>> 32), ByteOrder.BIG_ENDIAN);
        b.view().putInt(off + 16, (int) src, ByteOrder.BIG_ENDIAN);
        b.set(0, 0, Math.max(h.length, 8 + frameLen));
        b.endpoint(0).set(new InetSocketAddress("198.18.0.1", 51234));
        b.count(1);
        return b;
    }

    @Test
    void decapsulatesAndCountsEveryBadDatagram() throws Exception {
        VxlanDevice d = device(false, false);
        VxlanDecap decap = new VxlanDecap(d);
        assertEquals(98, decap.decapsulate(datagram("0800000000000100", 98, PEER_MAC), 0));
        assertEquals(-1, decap.decapsulate(datagram("0800000000000200", 98, PEER_MAC), 0));
        assertEquals(1, d.drops(DropReason.WRONG_VNI));
        assertEquals(-1, decap.decapsulate(datagram("0000000000000100", 98, PEER_MAC), 0), "no I flag");
        assertEquals(-1, decap.decapsulate(datagram("8848123400000100", 98, PEER_MAC), 0), "GBP while it is off");
        PacketBatch cut = datagram("08000000000001", 0, PEER_MAC);
        cut.set(0, 0, 7);
        assertEquals(-1, decap.decapsulate(cut, 0), "truncated header");
        assertEquals(3, d.drops(DropReason.MALFORMED));
        assertEquals(-1, decap.decapsulate(datagram("0800000000000100", 13, PEER_MAC), 0), "frame too short");
        assertEquals(-1, decap.decapsulate(datagram("0800000000000100", 1450 + 14 + 4 + 1, PEER_MAC), 0), "frame too long");
        assertEquals(1450 + 18, decap.decapsulate(datagram("0800000000000100", 1450 + 18, PEER_MAC), 0), "one VLAN tag over the MTU");
        assertEquals(2, d.drops(DropReason.BAD_FRAME));
        assertEquals(2, decap.rx.packets());
        assertNull(d.fdb.lookup(PEER_MAC), "learning is off");
    }

    @Test
    void learnsSourcesUnlessTheGbpHeaderSaysNot() throws Exception {
        VxlanDevice d = device(true, true);
        VxlanDecap decap = new VxlanDecap(d);
        assertEquals(98, decap.decapsulate(datagram("8808123400000100", 98, PEER_MAC), 0), "GBP accepted when on");
        FdbEntry e = d.fdb.lookup(PEER_MAC);
        assertNotNull(e, "learned");
        assertEquals(new Vtep(InetAddress.getByName("198.18.0.1"), 8472, 1), e.vteps().getFirst());
        long other = 0x0a0000000077L;
        assertEquals(98, decap.decapsulate(datagram("8848000000000100", 98, other), 0), "D bit: don't learn");
        assertNull(d.fdb.lookup(other));
        assertEquals(98, decap.decapsulate(datagram("0800000000000100", 98, 0xffff_ffff_ffffL), 0));
        assertNull(d.fdb.lookup(0xffff_ffff_ffffL), "a group source address is never learned");
    }

    /** Random datagrams: every one is either delivered or dropped with a count; nothing throws. */
    @Test
    void randomDatagramsAreDeliveredOrCounted() throws Exception {
        VxlanDevice d = device(true, true);
        VxlanDecap decap = new VxlanDecap(d);
        Random r = new Random(5);
        PacketBatch b = new PacketBatch(1, 2048);
        int delivered = 0;
        for (int i = 0; i < 50_000; i++) {
            int len = r.nextInt(1600);
            for (int j = 0; j < Math.min(len, 24); j++) b.view().putByte(j, (byte) r.nextInt());
            if (r.nextBoolean()) b.view().putInt(0, 0x08000000, ByteOrder.BIG_ENDIAN);
            if (r.nextBoolean()) b.view().putInt(4, 0x00000100, ByteOrder.BIG_ENDIAN);
            b.set(0, 0, len);
            b.endpoint(0).set(new InetSocketAddress("198.18.0.1", 1));
            if (decap.decapsulate(b, 0) > 0) delivered++;
        }
        long dropped = 0;
        for (DropReason reason : DropReason.values()) dropped += d.drops(reason);
        assertEquals(50_000, delivered + dropped);
        assertTrue(delivered > 0 && dropped > 0);
        assertTrue(d.fdb.size() <= Fdb.MAX_LEARNED);
    }
}
