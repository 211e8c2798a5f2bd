package dev.dataplane.esp.ike;

import dev.dataplane.crypto.ike.DhGroup;
import dev.dataplane.crypto.ike.IkeProtection;
import dev.dataplane.crypto.ike.Prf;
import dev.dataplane.encap.ike.IkeMessage;
import dev.dataplane.encap.ike.Notify;
import dev.dataplane.encap.ike.Proposal;
import dev.dataplane.encap.ike.TrafficSelector;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** IKE messages, payloads, PRF, DH groups and SK protection: round trips, published vectors, tampering, garbage. */
class IkeWireTest {
    @Test
    void prfIsHmacSha256() {   // RFC 4231 test case 2
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                HexFormat.of().formatHex(Prf.prf("Jefe".getBytes(), "what do ya want for nothing?".getBytes())));
        byte[] k = new byte[32], s = new byte[40];
        byte[] plus = Prf.prfPlus(k, s, 100);
        assertArrayEquals(Prf.prf(k, s, new byte[] {1}), Arrays.copyOf(plus, 32));
        assertArrayEquals(Arrays.copyOfRange(Prf.prf(k, Prf.prf(k, s, new byte[] {1}), s, new byte[] {2}), 0, 32), Arrays.copyOfRange(plus, 32, 64));
    }

    @Test
    void everyGroupAgrees() {
        for (DhGroup g : DhGroup.values()) {
            DhGroup.Exchange x = g.start(), y = g.start();
            assertEquals(g.keLength, x.publicValue().length, g.name());
            assertArrayEquals(x.shared(y.publicValue()), y.shared(x.publicValue()), g.name());
        }
        DhGroup.Exchange e = DhGroup.ECP_256.start();
        byte[] offCurve = new byte[64];
        offCurve[63] = 7;
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> e.shared(offCurve));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> DhGroup.MODP_4096.start().shared(new byte[512]));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> DhGroup.CURVE25519.start().shared(new byte[32]));
    }

    @Test
    void protectionRoundTripsAndRefusesTampering() {
        byte[] key32 = new byte[32], key36 = new byte[36];
        new Random(1).nextBytes(key36);
        for (IkeProtection p : List.of(IkeProtection.cbcHmac(key32, key32), IkeProtection.gcm(key36))) {
            byte[] inner = "some payloads".getBytes();
            int total = IkeMessage.HEADER + 4 + p.bodyLength(inner.length);
            byte[] head = Arrays.copyOf(IkeMessage.header(1, 2, IkeMessage.SK, IkeMessage.IKE_AUTH, 8, 1, total), IkeMessage.HEADER + 4);
            byte[] msg = p.seal(head, inner);
            assertEquals(total, msg.length);
            assertArrayEquals(inner, p.open(msg, IkeMessage.HEADER + 4));
            for (int at : new int[] {3, IkeMessage.HEADER + 5, msg.length - 1}) {
                byte[] bad = msg.clone();
                bad[at] ^= 1;
                assertNull(p.open(bad, IkeMessage.HEADER + 4), "flipped byte " + at);
            }
        }
    }

    @Test
    void payloadsRoundTrip() throws Exception {
        List<Proposal> offer = List.of(new Proposal(1, Proposal.ESP, new byte[] {1, 2, 3, 4}, List.of(new Proposal.Transform(Proposal.ENCR, 20, 128),
                new Proposal.Transform(Proposal.ESN, 0, 0))), new Proposal(2, Proposal.IKE, new byte[0], List.of(new Proposal.Transform(Proposal.DH, 31, 0))));
        List<Proposal> back = Proposal.parseAll(Proposal.encodeAll(offer));
        assertArrayEquals(Proposal.encodeAll(offer), Proposal.encodeAll(back));
        assertEquals(offer.get(0).transforms(), back.get(0).transforms());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, back.get(0).spi());
        List<TrafficSelector> ts = List.of(TrafficSelector.subnet(InetAddress.getByName("10.42.1.0"), 24),
                TrafficSelector.subnet(InetAddress.getByName("fd00:42::"), 56));
        assertEquals(ts, TrafficSelector.parse(TrafficSelector.encode(ts)));
        assertEquals("10.42.1.0/24", ts.getFirst().toString());
        assertEquals("10.42.1.0/25", ts.getFirst().intersect(TrafficSelector.subnet(InetAddress.getByName("10.42.1.0"), 25)).toString());
        assertNull(ts.getFirst().intersect(TrafficSelector.subnet(InetAddress.getByName("10.42.2.0"), 24)));
        byte[] msg = IkeMessage.plain(7, 0, IkeMessage.IKE_SA_INIT, IkeMessage.FLAG_INITIATOR, 0,
                List.of(new IkeMessage.Payload(IkeMessage.NONCE, false, new byte[32]), Notify.payload(Notify.COOKIE, new byte[] {9})));
        IkeMessage m = IkeMessage.parse(msg);
        assertEquals(7, m.spiI);
        assertEquals(Notify.COOKIE, Notify.parse(m.first(IkeMessage.NOTIFY).body()).type());
        assertNotNull(m.first(IkeMessage.NONCE));
    }

    @Test
    void garbageIsAnIllegalArgumentNeverAnythingElse() {
        Random r = new Random(5);
        byte[] valid = IkeMessage.plain(7, 8, IkeMessage.IKE_SA_INIT, 0, 0, List.of(new IkeMessage.Payload(IkeMessage.SA, false,
                Proposal.encodeAll(List.of(new Proposal(1, 1, new byte[0], List.of(new Proposal.Transform(1, 12, 256))))))));
        for (int i = 0; i < 100_000; i++) {
            byte[] b = i % 2 == 0 ? valid.clone() : new byte[r.nextInt(64)];
            if (i % 2 == 0) for (int k = r.nextInt(4); k >= 0; k--) b[r.nextInt(b.length)] = (byte) r.nextInt();
            else r.nextBytes(b);
            try {
                IkeMessage m = IkeMessage.parse(b);
                for (IkeMessage.Payload p : m.payloads) {
                    if (p.type() == IkeMessage.SA) Proposal.parseAll(p.body());
                    if (p.type() == IkeMessage.TSI) TrafficSelector.parse(p.body());
                    if (p.type() == IkeMessage.NOTIFY) Notify.parse(p.body());
                }
            } catch (IllegalArgumentException expected) {
                // the only failure allowed
            }
        }
    }
}
