package dev.dataplane.device;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static dev.dataplane.device.EnginePair.A_INNER;
import static dev.dataplane.device.EnginePair.B_INNER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Protocol behaviour of two engines in one JVM (no root): handshakes, data, staging, cryptokey routing,
 * replay, garbage, rekeying, timers on a manual clock, cookies under load, roaming.
 */
class EngineTest {
    private static final long WAIT_MS = 5000;

    @org.junit.jupiter.params.ParameterizedTest(name = "workers={0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 2})
    void deliversBothWaysIpv4AndIpv6(int workers) throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, false, workers)) {
            byte[] out = Packets.ipv4(A_INNER, B_INNER, 100, 1);
            p.tunA.inject(out);
            assertArrayEquals(out, p.tunB.delivered(WAIT_MS));
            byte[] back = Packets.ipv4(B_INNER, A_INNER, 1300, 2);
            p.tunB.inject(back);
            assertArrayEquals(back, p.tunA.delivered(WAIT_MS));
            byte[] v6 = Packets.ipv6(EnginePair.address("fd00::1").getAddress(), EnginePair.address("fd00::2").getAddress(), 500);
            p.tunA.inject(v6);
            assertArrayEquals(v6, p.tunB.delivered(WAIT_MS));
            assertEquals(1, p.peerOfA().handshakesCompleted.get());
            assertTrue(p.peerOfA().txBytes() > 0 && p.peerOfA().rxBytes() > 0);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "workers={0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 2})
    void stagesPacketsWhileTheHandshakeRuns(int workers) throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, false, workers)) {
            Set<Integer> sent = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 64, i));
                sent.add(i);
            }
            Set<Integer> got = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                byte[] d = p.tunB.delivered(WAIT_MS);
                assertNotNull(d, "packet " + i + " of 20 never arrived");
                got.add(((d[4] & 0xff) << 8) | (d[5] & 0xff));
            }
            assertEquals(sent, got);
        }
    }

    @Test
    void dropsPacketsWithoutRouteOrFromADisallowedSource() throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, false)) {
            p.tunA.inject(Packets.ipv4(A_INNER, Packets.ip(10, 0, 0, 77), 10, 1));   // no peer has 10.0.0.77
            waitFor(() -> p.a.stats().drops(DropReason.NO_ROUTE) == 1);
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 10, 2));
            deliveredTo(p.tunB, p);
            p.tunA.inject(Packets.ipv4(Packets.ip(10, 0, 0, 99), B_INNER, 10, 3));   // spoofed inner source
            waitFor(() -> p.b.stats().drops(DropReason.SOURCE_NOT_ALLOWED) == 1);
            assertNull(p.tunB.delivered(200));
        }
    }

    @Test
    void dropsReplayedTransportMessages() throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, true)) {
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 40, 1));
            deliveredTo(p.tunB, p);
            byte[] transport = p.relay.fromA.stream().filter(m -> m[0] == 4 && m.length > 32).reduce((x, y) -> y).orElseThrow();
            p.relay.replayToB(transport);
            waitFor(() -> p.b.stats().drops(DropReason.REPLAYED) == 1);
            assertNull(p.tunB.delivered(200), "a replayed packet is not delivered");
        }
    }

    @Test
    void survivesGarbageAndCountsIt() throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, false);
             DatagramChannel junk = DatagramChannel.open()) {
            InetSocketAddress b = new InetSocketAddress("127.0.0.1", p.b.config().get().listenPort());
            Random r = new Random(42);
            for (int i = 0; i < 2000; i++) {
                byte[] d = new byte[r.nextInt(200)];
                r.nextBytes(d);
                if (d.length > 0 && i % 2 == 0) d[0] = (byte) (1 + r.nextInt(4));
                if (d.length > 3 && i % 4 == 0) d[1] = d[2] = d[3] = 0;
                junk.send(ByteBuffer.wrap(d), b);
            }
            byte[] initiationBadMac = new byte[148];
            initiationBadMac[0] = 1;
            junk.send(ByteBuffer.wrap(initiationBadMac), b);
            waitFor(() -> p.b.stats().drops(DropReason.HANDSHAKE_INVALID) >= 1);
            assertTrue(p.b.stats().drops(DropReason.MALFORMED) > 0);
            // still works
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 40, 1));
            deliveredTo(p.tunB, p);
        }
    }

    @Test
    void rekeysAfterMessagesWithoutLosingData() throws Exception {
        ProtocolLimits l = ProtocolLimits.STANDARD;
        // REKEY_TIMEOUT lowered to 100 ms (10 packets here) so message-count rekeys are not held back by the one-initiation-per-
        // REKEY_TIMEOUT guard, and the clock moves only 10 ms a packet, so no other timer (keepalive, the 15 s
        // new-handshake timer) fires: what is tested is rekeying by messages alone
        ProtocolLimits low = new ProtocolLimits(25, l.rejectAfterMessages(), l.rekeyAfterTimeNanos(), l.rejectAfterTimeNanos(),
                l.rekeyAttemptTimeNanos(), 100_000_000L, l.keepaliveTimeoutNanos(), l.maxJitterNanos());
        try (EnginePair p = new EnginePair(low, false)) {
            for (int i = 0; i < 120; i++) {
                p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 64, i));
                assertNotNull(p.tunB.delivered(WAIT_MS), "packet " + i + "; " + diag(p));
                p.clock.advanceSeconds(0.01);
            }
            assertTrue(p.peerOfA().handshakesCompleted.get() >= 3, "handshakes: " + p.peerOfA().handshakesCompleted.get());
        }
    }

    @Test
    void sendsAPassiveKeepaliveTenSecondsAfterReceivingData() throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, false)) {
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 40, 1));
            deliveredTo(p.tunB, p);
            waitFor(() -> p.peerOfA().rxBytes() > 0);
            long rx = p.peerOfA().rxBytes();
            p.clock.advanceSeconds(9);
            p.b.control.tickNow();
            Thread.sleep(200);
            assertEquals(rx, p.peerOfA().rxBytes(), "not before 10 s");
            p.clock.advanceSeconds(1.5);
            p.b.control.tickNow();
            waitFor(() -> p.peerOfA().rxBytes() >= rx + 32);   // the keepalive (another message may follow it)
        }
    }

    @Test
    void sendsNoPassiveKeepaliveWhenItAnsweredTheData() throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, false)) {
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 40, 1));
            deliveredTo(p.tunB, p);
            p.clock.advanceSeconds(2);
            p.tunB.inject(Packets.ipv4(B_INNER, A_INNER, 40, 2));   // B answers
            deliveredTo(p.tunA, p);
            long rx = p.peerOfA().rxBytes();
            p.clock.advanceSeconds(11);
            p.b.control.tickNow();
            Thread.sleep(300);
            assertEquals(rx, p.peerOfA().rxBytes(), "B sent after it received: no keepalive owed");
        }
    }

    @Test
    void startsAHandshakeWhenSentDataGetsNoAnswerFor15Seconds() throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, true)) {
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 40, 1));
            deliveredTo(p.tunB, p);
            p.tunB.inject(Packets.ipv4(B_INNER, A_INNER, 40, 2));
            deliveredTo(p.tunA, p);
            int handshakes = p.peerOfA().initiationsSent.intValue() + p.peerOfA().responsesSent.intValue();
            p.relay.drop = true;
            p.clock.advanceSeconds(1);
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 40, 3));   // lost: no answer
            Thread.sleep(300);
            p.clock.advanceSeconds(14);
            p.a.control.tickNow();
            Thread.sleep(200);
            assertEquals(0, p.peerOfA().initiationsSent.intValue() + p.peerOfA().responsesSent.intValue() - handshakes, "not before 15 s");
            p.clock.advanceSeconds(1.5);
            p.a.control.tickNow();
            waitFor(() -> p.peerOfA().initiationsSent.intValue() + p.peerOfA().responsesSent.intValue() > handshakes);
        }
    }

    @Test
    void retransmitsTheInitiationUntilRekeyAttemptTime() throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, true)) {
            p.relay.drop = true;
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 40, 1));
            waitFor(() -> p.peerOfA().txBytes() == 148);
            for (int s = 0; s < 100; s++) {
                p.clock.advanceSeconds(1);
                p.a.control.tickNow();
            }
            long sent = p.peerOfA().txBytes() / 148;
            assertTrue(sent >= 15 && sent <= 19, "initiations in 90 s of 5 s + jitter retries: " + sent);
            for (int s = 0; s < 30; s++) {
                p.clock.advanceSeconds(1);
                p.a.control.tickNow();
            }
            assertEquals(sent, p.peerOfA().txBytes() / 148, "gave up after REKEY_ATTEMPT_TIME");
            assertEquals(0, p.peerOfA().staged.size(), "staged packets dropped on giving up");
        }
    }

    @Test
    void completesTheHandshakeThroughACookieUnderLoad() throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, false)) {
            p.b.forceUnderLoad(true);
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 40, 1));
            waitFor(() -> p.peerOfA().txBytes() == 148);
            Thread.sleep(300); // the cookie reply arrives
            assertNull(p.tunB.delivered(100), "no session without MAC2");
            p.clock.advanceSeconds(5.5);
            p.a.control.tickNow(); // retransmission, now with MAC2 from the cookie
            assertNotNull(p.tunB.delivered(WAIT_MS), "delivered after the cookie round trip");
        }
    }

    @Test
    void followsTheLatestAuthenticatedSource() throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, true)) {
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 40, 1));
            deliveredTo(p.tunB, p);
            assertEquals(p.relay.backAddress().getPort(), p.peerOfB().endpoint().toInetSocketAddress().getPort());
            p.relay.roam();
            int newPort = p.relay.backAddress().getPort();
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 40, 2));
            deliveredTo(p.tunB, p);
            assertEquals(newPort, p.peerOfB().endpoint().toInetSocketAddress().getPort(), "B follows A to its new address");
            p.tunB.inject(Packets.ipv4(B_INNER, A_INNER, 40, 3));
            assertNotNull(p.tunA.delivered(WAIT_MS), "and B's replies reach A there");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "workers={0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 2})   // inline: the key's age from the batch's clock read
    void expiredSessionsAreReplacedAndKeysWipedLater(int workers) throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, false, workers)) {
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 40, 1));
            deliveredTo(p.tunB, p);
            p.clock.advanceSeconds(181);
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 40, 2));
            // B's passive keepalive finds its keys expired too, so both ends may initiate at once; the
            // crossed handshakes fail and the retransmit timer (REKEY_TIMEOUT) sorts it out, as in wireguard-go
            byte[] got = null;
            for (int attempt = 0; attempt < 4 && got == null; attempt++) {
                got = p.tunB.delivered(1000);
                if (got == null) {
                    p.clock.advanceSeconds(5.5);
                    p.a.control.tickNow();
                    p.b.control.tickNow();
                }
            }
            assertNotNull(got, "delivered after a new handshake; " + diag(p));
            assertTrue(p.peerOfA().handshakesCompleted.get() >= 2);
            // B stops, so its own timers cannot start a handshake that would (rightly) restart A's wipe timer;
            // what B sent before it stopped must land first, or it completes a handshake after the jump below
            p.b.close();
            Thread.sleep(300);
            Keypair session = p.peerOfA().current;
            assertNotNull(session);
            p.clock.advanceSeconds(541);
            p.a.control.tickNow();
            assertTrue(p.peerOfA().current != session && p.peerOfA().previous != session,
                    "keys wiped after 3 x REJECT_AFTER_TIME");
            assertNull(p.a.indices.keypair(session.localIndex), "and its index forgotten");
        }
    }

    private static byte[] deliveredTo(MemoryPacketDevice tun, EnginePair p) throws InterruptedException {
        byte[] d = tun.delivered(WAIT_MS);
        assertNotNull(d, "nothing delivered; " + diag(p));
        return d;
    }

    static String diag(EnginePair p) {
        Peer pa = p.peerOfA(), pb = p.peerOfB();
        return "A drops " + p.a.stats().snapshot() + " B drops " + p.b.stats().snapshot()
                + " A: hs=" + pa.handshakesCompleted.get() + " tx=" + pa.txBytes() + " rx=" + pa.rxBytes() + " staged=" + pa.staged.size()
                + " cur=" + (pa.current != null) + " B: hs=" + pb.handshakesCompleted.get() + " tx=" + pb.txBytes() + " rx=" + pb.rxBytes()
                + " next=" + (pb.next != null) + " cur=" + (pb.current != null) + " ep=" + pb.endpoint();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "workers={0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 2})
    void anOversizePacketIsDroppedAndCountedAndTheTunnelGoesOn(int workers) throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, false, workers)) {
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 100, 1));
            assertNotNull(p.tunB.delivered(WAIT_MS));
            // larger than the packet buffers (2048 bytes inline, 9216 in the ring mode): sealed, it would
            // overrun its slot; it is dropped and counted, and the inline pipeline grows its buffers
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 9400, 2));
            waitFor(() -> p.a.stats().drops(DropReason.OVERSIZE) == 1);
            Thread.sleep(100);
            // a jumbo packet (the MTU raised to 9000 after start) is then carried whole, at the latest once the
            // receiving end, too, has dropped one and grown (as TCP would retransmit it)
            assertTrue(carried(p, Packets.ipv4(A_INNER, B_INNER, 8900, 3)), "a jumbo packet gets through");
            if (workers == 0) {
                // inline, the buffers grow once more: packets up to the largest a TUN device holds get through
                assertTrue(carried(p, Packets.ipv4(A_INNER, B_INNER, 30_000, 4)), "a 30 KB packet gets through");
            }
            assertNull(p.a.failure(), "no data thread died");
            assertNull(p.b.failure());
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "workers={0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 2})
    void aDataThreadThatDiesShutsTheDeviceDownWithTheReason(int workers) throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, false, workers)) {
            java.util.concurrent.CountDownLatch fatal = new java.util.concurrent.CountDownLatch(1);
            p.a.onFatal(fatal::countDown);
            p.tunA.failNextRead(new IllegalStateException("injected I/O layer bug"));
            assertTrue(fatal.await(WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS), "the owner is told to shut down");
            assertNotNull(p.a.failure());
            assertEquals("injected I/O layer bug", p.a.failure().getMessage());
        }
    }

    @Test
    void crossedHandshakesLeaveNoStaleIndices() throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, false, 0)) {
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 10, 1));
            assertNotNull(p.tunB.delivered(WAIT_MS), "first handshake; B now knows A's endpoint");
            for (int round = 0; round < 20; round++) {
                p.clock.advanceSeconds(6);   // past REKEY_TIMEOUT, so both ends may start a fresh initiation
                long doneA = p.peerOfA().handshakesCompleted.get(), doneB = p.peerOfB().handshakesCompleted.get();
                p.a.wantHandshake(p.peerOfA());   // both at once: the initiations cross on the wire
                p.b.wantHandshake(p.peerOfB());
                waitFor(() -> p.peerOfA().handshakesCompleted.get() > doneA && p.peerOfB().handshakesCompleted.get() > doneB);
                Thread.sleep(20);                 // let the superseded responses arrive and be refused
            }
            // at most current, previous and next keypairs plus one handshake in flight per side
            assertTrue(p.a.indices.size() <= 4, "A's index table holds " + p.a.indices.size() + " entries");
            assertTrue(p.b.indices.size() <= 4, "B's index table holds " + p.b.indices.size() + " entries");
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 10, 2));
            assertNotNull(p.tunB.delivered(WAIT_MS), "and the tunnel still carries data");
        }
    }

    /** Sends {@code packet} from A until B delivers it intact (a few tries); false if it never does. */
    private static boolean carried(EnginePair p, byte[] packet) throws InterruptedException {
        for (int attempt = 0; attempt < 4; attempt++) {
            p.tunA.inject(packet);
            byte[] got = p.tunB.delivered(1000);
            if (got != null) return java.util.Arrays.equals(packet, got);
        }
        return false;
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + WAIT_MS + " ms");
            Thread.sleep(10);
        }
    }
}
