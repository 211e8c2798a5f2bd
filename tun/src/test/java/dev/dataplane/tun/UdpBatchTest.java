package dev.dataplane.tun;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batched UDP inside a fresh namespace: bounded bursts arrive complete and intact, with and without GSO/GRO. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpBatchTest {
    private static final int PACKETS = 10_000;

    @BeforeEach
    void root() {
        Netns.assumeRoot();
    }

    @ParameterizedTest(name = "gso={0} gro={1} v6={2}")
    @CsvSource({"false,false,false", "true,false,false", "false,true,false", "true,true,false", "true,true,true"})
    void aBoundedBurstArrivesWithoutLoss(boolean gso, boolean gro, boolean v6) throws Exception {
        try (Netns ns = Netns.create();
             UdpSocket tx = ns.call(() -> UdpSocket.bind(null, 0));
             UdpSocket rx = ns.call(() -> UdpSocket.bind(null, 0))) {
            tx.setGso(gso);
            assertEquals(gso && tx.gsoSupported(), tx.gso());
            if (gro) assertTrue(rx.setGro(true), "kernel accepts UDP_GRO");
            UdpEndpoint to = new UdpEndpoint(new InetSocketAddress(InetAddress.getByName(v6 ? "::1" : "127.0.0.1"), rx.localPort()));

            PacketBatch in = new PacketBatch(64, 2048, 16);
            java.util.concurrent.atomic.AtomicInteger progress = new java.util.concurrent.atomic.AtomicInteger();
            CompletableFuture<BitSet> received = CompletableFuture.supplyAsync(() -> receiveAll(rx, in, tx.localPort(), progress));
            PacketBatch out = new PacketBatch(64, 2048);
            int seq = 0;
            while (seq < PACKETS) {
                out.clear();
                int n = Math.min(64, PACKETS - seq);
                for (int i = 0; i < n; i++, seq++) {
                    // equal sizes in runs of 16 so GSO has something to coalesce; every 16th datagram is shorter
                    fill(out, i, seq, (seq % 16 == 15) ? 700 : 1200);
                    out.endpoint(i).copyFrom(to);
                }
                out.count(n);
                assertEquals(n, tx.sendBatch(out));
                Thread.sleep(1); // a moderate rate: 64 datagrams a millisecond at most
                // and never more than WINDOW ahead of the receiver, so a receiver descheduled for a while on a busy
                // machine cannot overflow the socket buffer (loopback drops what does not fit; this tests delivery)
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (seq - progress.get() > WINDOW && System.nanoTime() < until) Thread.sleep(1);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!received.isDone() && System.nanoTime() < deadline) Thread.sleep(10);
            rx.close(); // a receiver still waiting reports what it has
            BitSet got = received.get(5, TimeUnit.SECONDS);
            assertEquals(PACKETS, got.cardinality(), "every datagram arrived once, intact");
            if (gso && gro) assertTrue(in.udpVectors().coalesced > 0, "GSO sends arrived coalesced (GRO)");
            if (!gro) assertEquals(0, in.udpVectors().coalesced);
        }
    }

    private static void fill(PacketBatch b, int slot, int seq, int len) {
        b.length(slot, len);
        int off = b.offset(slot);
        b.view().putInt(off, seq);
        b.view().putInt(off + 4, len);
        for (int i = 8; i < len; i++) b.view().putByte(off + i, (byte) (seq + i));
    }

    /** Datagrams the sender may be ahead of the receiver: about 1.2 MB of 1200-byte datagrams, below the 4 MB buffer. */
    private static final int WINDOW = 1024;

    private static BitSet receiveAll(UdpSocket rx, PacketBatch in, int fromPort, java.util.concurrent.atomic.AtomicInteger progress) {
        BitSet seen = new BitSet(PACKETS);
        try {
            while (seen.cardinality() < PACKETS) {
                int n = rx.receiveBatch(in);
                for (int i = 0; i < n; i++) {
                    int off = in.offset(i);
                    assertEquals(16, off - i * 2048, "packet starts at the headroom");
                    int seq = in.view().getInt(off), len = in.view().getInt(off + 4);
                    assertEquals(len, in.length(i), "datagram " + seq + " keeps its length");
                    for (int j = 8; j < len; j++) {
                        if (in.view().getByte(off + j) != (byte) (seq + j)) throw new AssertionError("datagram " + seq + " corrupt at " + j);
                    }
                    assertEquals(fromPort, in.endpoint(i).port());
                    assertTrue(!seen.get(seq), "duplicate " + seq);
                    seen.set(seq);
                }
                progress.addAndGet(n);
            }
        } catch (java.nio.channels.AsynchronousCloseException e) {
            return seen; // the sender gave up waiting for the rest
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        }
        return seen;
    }

    @Test
    void mixedDestinationsAndSizesInOneBatch() throws Exception {
        try (Netns ns = Netns.create();
             UdpSocket tx = ns.call(() -> UdpSocket.bind(null, 0));
             UdpSocket rx1 = ns.call(() -> UdpSocket.bind(null, 0));
             UdpSocket rx2 = ns.call(() -> UdpSocket.bind(InetAddress.getByName("127.0.0.1"), 0))) {
            rx1.setGro(true);
            UdpEndpoint e1 = new UdpEndpoint(new InetSocketAddress(InetAddress.getByName("::1"), rx1.localPort()));
            UdpEndpoint e2 = new UdpEndpoint(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), rx2.localPort()));
            int[] sizes = {1000, 1000, 1000, 400, 1000, 1000, 1200, 1200, 0, 1200, 1, 1000};
            UdpEndpoint[] dest = {e1, e1, e1, e1, e1, e2, e2, e2, e1, e1, e2, e1};
            PacketBatch out = new PacketBatch(16, 2048);
            for (int i = 0; i < sizes.length; i++) {
                out.length(i, sizes[i]);
                if (sizes[i] >= 8) {
                    out.view().putInt(out.offset(i), i);
                    out.view().putInt(out.offset(i) + 4, sizes[i]);
                }
                out.endpoint(i).copyFrom(dest[i]);
            }
            out.count(sizes.length);
            assertEquals(sizes.length, tx.sendBatch(out));

            PacketBatch in = new PacketBatch(16, 2048);
            int expect1 = 0, expect2 = 0;
            for (UdpEndpoint d : dest) if (d == e1) expect1++; else expect2++;
            assertEquals(expect1, drain(rx1, in, expect1, sizes));
            assertEquals(expect2, drain(rx2, in, expect2, sizes));
        }
    }

    private static int drain(UdpSocket rx, PacketBatch in, int expected, int[] sizes) throws Exception {
        int got = 0;
        while (got < expected) {
            int n = rx.receiveBatch(in);
            for (int i = 0; i < n; i++) {
                int len = in.length(i);
                if (len >= 8) {
                    int idx = in.view().getInt(in.offset(i));
                    assertEquals(sizes[idx], len, "datagram " + idx);
                }
            }
            got += n;
        }
        return got;
    }

    @Test
    void groForbidsSingleReceive() throws Exception {
        try (Netns ns = Netns.create(); UdpSocket rx = ns.call(() -> UdpSocket.bind(null, 0))) {
            rx.setGro(true);
            assertThrows(IllegalStateException.class,
                    () -> rx.receive(java.nio.ByteBuffer.allocateDirect(64), 0, 64, new UdpEndpoint()));
        }
    }
}
