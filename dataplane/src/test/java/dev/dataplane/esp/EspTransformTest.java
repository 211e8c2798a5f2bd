package dev.dataplane.esp;

import dev.dataplane.device.Clock;
import dev.dataplane.device.DropReason;
import dev.dataplane.device.PacketDevice;
import dev.dataplane.encap.esp.EspPacket;
import dev.dataplane.tun.PacketBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ESP transforms on batches, between two devices in one JVM (ESP-in-UDP on a high port; nothing is sent):
 * round trips for each transform, with and without ESN and across the wrap of the low 32 bits, and every drop:
 * replay, tampering, unknown SPI, inbound policy mismatch, no outbound policy, a deleted SA.
 */
class EspTransformTest {
    /** NAT-T ports: two per pair of devices (both bind in this namespace), none sent to. */
    private static final java.util.concurrent.atomic.AtomicInteger PORTS = new java.util.concurrent.atomic.AtomicInteger(40000 + new Random().nextInt(20000));
    private final List<EspDevice> devices = new ArrayList<>();
    private int lastDport;

    @AfterEach
    void close() {
        devices.forEach(EspDevice::close);
    }

    private EspDevice device(int natTPort, List<String> lines) {
        PacketDevice none = PacketDevice.unattached(1400);
        EspDevice d = new EspDevice("espt", none, Clock.SYSTEM, natTPort, new PrintStream(new ByteArrayOutputStream()));
        devices.add(d);
        d.load(lines, "test");
        return d;
    }

    /** Sender A (198.18.0.1, 10.0.0.0/24) and receiver B (198.18.0.2, 10.0.1.0/24) of one SA. */
    private EspDevice[] pair(String aead, String key, String extra) {
        int sport = PORTS.getAndIncrement(), dport = PORTS.getAndIncrement();
        lastDport = dport;
        String sa = "state add src 198.18.0.1 dst 198.18.0.2 proto esp spi 0x100 reqid 1 mode tunnel aead '" + aead + "' " + key
                + " 128 encap espinudp " + sport + " " + dport + " 0.0.0.0 " + extra;
        EspDevice a = device(sport, List.of(sa,
                "policy add src 10.0.0.0/24 dst 10.0.1.0/24 dir out tmpl src 198.18.0.1 dst 198.18.0.2 proto esp reqid 1 mode tunnel"));
        EspDevice b = device(dport, List.of(sa,
                "policy add src 10.0.0.0/24 dst 10.0.1.0/24 dir in tmpl src 198.18.0.1 dst 198.18.0.2 proto esp reqid 1 mode tunnel"));
        return new EspDevice[] {a, b};
    }

    /** An IPv4 packet of {@code len} bytes from {@code src} to 10.0.1.9, in slot 0 after the headroom. */
    private static byte[] packet(PacketBatch b, int src, int len, Random r) {
        byte[] p = new byte[len];
        r.nextBytes(p);
        ByteBuffer h = ByteBuffer.wrap(p);
        h.put(0, (byte) 0x45).putShort(2, (short) len).put(8, (byte) 64).put(9, (byte) 17);
        h.putInt(12, src).putInt(16, 0x0a000109);
        b.view().putBytes(b.offset(0), p);
        b.set(0, b.headroom(), len);
        b.count(1);
        return p;
    }

    /** A sealed datagram, moved into a receive batch as recvmmsg would leave it. */
    private static PacketBatch received(PacketBatch sent, int len) {
        PacketBatch in = new PacketBatch(2, 2048);
        in.view().putBytes(0, sent.view(), 0, len);
        in.set(0, 0, len);
        in.count(1);
        return in;
    }

    private static byte[] inner(PacketBatch in, int len) {
        byte[] out = new byte[len];
        in.view().getBytes(in.offset(0), out);
        return out;
    }

    @Test
    void roundTripsEveryTransformAndDropsReplaysAndTampering() {
        Random r = new Random(1);
        String[][] transforms = {{"rfc4106(gcm(aes))", "0x" + "11".repeat(20)}, {"rfc4106(gcm(aes))", "0x" + "22".repeat(36)},
                {"rfc7539esp(chacha20,poly1305)", "0x" + "33".repeat(36)}};
        for (String[] t : transforms) {
            for (String extra : new String[] {"replay-window 32", "replay-window 64 flag esn"}) {
                EspDevice[] ab = pair(t[0], t[1], extra);
                EspEncap encap = new EspEncap(ab[0]);
                EspDecap decap = new EspDecap(ab[1]);
                for (int len : new int[] {20, 21, 100, 1399}) {
                    PacketBatch out = new PacketBatch(2, 2048, EspPacket.PAYLOAD);
                    byte[] original = packet(out, 0x0a000005, len, r);
                    int wire = encap.encapsulate(out, 0, 0);
                    assertEquals(EspPacket.PAYLOAD + len + EspPacket.padding(len) + 2 + 16, wire, t[0] + " " + len);
                    assertEquals(lastDport, out.endpoint(0).port());
                    PacketBatch in = received(out, wire);
                    assertEquals(len, decap.decapsulate(in, 0), t[0] + " " + extra + " " + len);
                    assertArrayEquals(original, inner(in, len));
                    assertEquals(-1, decap.decapsulate(received(out, wire), 0), "the same packet again");
                    PacketBatch tampered = received(out, wire);
                    tampered.view().putByte(wire - 20, (byte) (tampered.view().getByte(wire - 20) ^ 1));
                    assertEquals(-1, decap.decapsulate(tampered, 0));
                }
                assertEquals(4, ab[1].drops(DropReason.REPLAYED), t[0] + " " + extra);
                assertEquals(4, ab[1].drops(DropReason.DECRYPT_FAILED));
            }
        }
    }

    @Test
    void extendedSequenceNumbersCrossTheLowWrap() {
        EspDevice[] ab = pair("rfc4106(gcm(aes))", "0x" + "44".repeat(20), "replay-window 64 flag esn");
        EspEncap encap = new EspEncap(ab[0]);
        EspDecap decap = new EspDecap(ab[1]);
        SecurityAssociation out = ab[0].xfrm.snapshot().outSa[0];
        out.sequence = 0xffff_fff0L;
        ab[1].xfrm.snapshot().bySpi(0x100).top = 0xffff_ffe0L;
        Random r = new Random(2);
        for (int i = 0; i < 40; i++) {
            PacketBatch b = new PacketBatch(2, 2048, EspPacket.PAYLOAD);
            packet(b, 0x0a000005, 60, r);
            int wire = encap.encapsulate(b, 0, 0);
            assertEquals(60, decap.decapsulate(received(b, wire), 0), "sequence " + Long.toHexString(out.sequence));
        }
        assertTrue(out.sequence > 0x1_0000_0000L);
    }

    @Test
    void withoutEsnTheSequenceNumberNeverWraps() {
        EspDevice[] ab = pair("rfc4106(gcm(aes))", "0x" + "45".repeat(20), "replay-window 32");
        EspEncap encap = new EspEncap(ab[0]);
        ab[0].xfrm.snapshot().outSa[0].sequence = 0xffff_ffffL;
        PacketBatch b = new PacketBatch(2, 2048, EspPacket.PAYLOAD);
        packet(b, 0x0a000005, 60, new Random(3));
        assertEquals(-1, encap.encapsulate(b, 0, 0));
        assertEquals(1, ab[0].drops(DropReason.KEY_EXPIRED), "an exhausted SA sends nothing");
    }

    @Test
    void policiesDecideWhatGoesAndWhatIsAdmitted() {
        EspDevice[] ab = pair("rfc7539esp(chacha20,poly1305)", "0x" + "55".repeat(36), "replay-window 32");
        EspEncap encap = new EspEncap(ab[0]);
        EspDecap decap = new EspDecap(ab[1]);
        Random r = new Random(4);
        PacketBatch b = new PacketBatch(2, 2048, EspPacket.PAYLOAD);
        packet(b, 0x0a000205, 60, r);   // 10.0.2.5: no outbound policy covers it
        assertEquals(-1, encap.encapsulate(b, 0, 0));
        assertEquals(1, ab[0].drops(DropReason.NO_POLICY));

        // B admits 10.0.0.0/24 only: a packet from 10.0.3.5 under this SA is refused after decryption
        ab[0].apply(XfrmLine.parse("policy add src 10.0.3.0/24 dst 10.0.1.0/24 dir out tmpl src 198.18.0.1 dst 198.18.0.2 proto esp reqid 1"),
                new StringBuilder());
        packet(b, 0x0a000305, 60, r);
        int wire = encap.encapsulate(b, 0, 0);
        assertEquals(-1, decap.decapsulate(received(b, wire), 0));
        assertEquals(1, ab[1].drops(DropReason.POLICY_MISMATCH));

        PacketBatch unknown = received(b, wire);
        unknown.view().putInt(0, 0x999, ByteOrder.BIG_ENDIAN);
        assertEquals(-1, decap.decapsulate(unknown, 0));
        assertEquals(1, ab[1].drops(DropReason.UNKNOWN_SPI));

        PacketBatch ike = new PacketBatch(2, 2048);
        ike.set(0, 0, 40);
        assertEquals(-1, decap.decapsulate(ike, 0), "IKE after the non-ESP marker");
        assertEquals(1, ab[1].drops(DropReason.NOT_ESP));
        ike.view().putByte(0, (byte) 0xff);
        ike.set(0, 0, 1);
        assertEquals(0, decap.decapsulate(ike, 0), "a NAT-keepalive is no drop");

        ab[0].apply(XfrmLine.parse("state del src 198.18.0.1 dst 198.18.0.2 proto esp spi 0x100"), new StringBuilder());
        packet(b, 0x0a000005, 60, r);
        assertEquals(-1, encap.encapsulate(b, 0, 0), "the SA went: its traffic stops");
        assertEquals(2, ab[0].drops(DropReason.NO_POLICY));
    }

    @Test
    void truncatedAndRandomDatagramsAreCounted() {
        EspDevice[] ab = pair("rfc4106(gcm(aes))", "0x" + "66".repeat(20), "replay-window 32");
        EspDecap decap = new EspDecap(ab[1]);
        Random r = new Random(5);
        PacketBatch b = new PacketBatch(1, 2048);
        for (int i = 0; i < 20_000; i++) {
            int len = r.nextInt(200);
            for (int j = 0; j < len; j++) b.view().putByte(j, (byte) r.nextInt());
            if (r.nextBoolean() && len >= 4) b.view().putInt(0, 0x100, ByteOrder.BIG_ENDIAN);
            b.set(0, 0, len);
            assertTrue(decap.decapsulate(b, 0) <= 0);
        }
        long dropped = 0;
        for (DropReason reason : DropReason.values()) dropped += ab[1].drops(reason);
        assertTrue(dropped > 19_000, "every datagram but keepalives is a counted drop: " + dropped);
    }
}
