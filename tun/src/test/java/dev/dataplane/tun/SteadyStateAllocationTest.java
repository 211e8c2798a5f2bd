package dev.dataplane.tun;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batched calls allocate nothing once warm (JIT-compiled): measured per thread with ThreadMXBean
 * around many batches.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SteadyStateAllocationTest {
    private static final int WARM = 20_000, MEASURED = 5_000;

    @BeforeEach
    void root() {
        Netns.assumeRoot();
    }

    private interface Round {
        void run() throws Exception;
    }

    /**
     * Warms up, then measures windows of {@link #MEASURED} rounds until one allocates (almost) nothing or 15
     * seconds pass; returns the least a window allocated. Windows, not one count, because on two busy cores
     * the JIT may finish compiling the paths (escape analysis included) seconds after the warm-up rounds.
     */
    private static long leastAllocatedWindow(Round round) throws Exception {
        for (int i = 0; i < WARM; i++) round.run();
        long least = Long.MAX_VALUE, deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (least >= 1024 && System.nanoTime() < deadline) {
            long before = allocated();
            for (int i = 0; i < MEASURED; i++) round.run();
            least = Math.min(least, allocated() - before);
        }
        return least;
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @ParameterizedTest(name = "gso={0} gro={1} sums={2}")
    @CsvSource({"false,false,false", "true,true,false", "true,true,true"})
    void udpBatches(boolean gso, boolean gro, boolean sums) throws Exception {
        try (Netns ns = Netns.create();
             UdpSocket tx = ns.call(() -> UdpSocket.bind(null, 0));
             UdpSocket rx = ns.call(() -> UdpSocket.bind(null, 0))) {
            tx.setGso(gso);
            rx.setGro(gro);
            UdpEndpoint to = new UdpEndpoint(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), rx.localPort()));
            PacketBatch out = new PacketBatch(16, 2048), in = new PacketBatch(16, 2048);
            in.sumOnReceive(sums);   // GRO messages split with their sums taken while copying, as VXLAN receives
            for (int i = 0; i < 16; i++) {
                out.length(i, 1200);
                out.endpoint(i).copyFrom(to);
            }
            out.count(16);
            long bytes = leastAllocatedWindow(() -> {
                assertEquals(16, tx.sendBatch(out));
                for (int got = 0; got < 16; ) got += rx.receiveBatch(in);
            });
            assertTrue(bytes < 1024, bytes + " bytes allocated by " + MEASURED + " batch round trips");
        }
    }

    /** ICMP echo requests written to the TUN in batches; the kernel's replies read back in batches. */
    @ParameterizedTest(name = "offloads={0} io_uring={1}")
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void tunBatches(boolean offloads, boolean ioUring) throws Exception {
        try (Netns ns = Netns.create()) {
            String name = Netns.uniqueName("dpt");
            TunOptions options = TunOptions.DEFAULT.withOffloads(offloads).withIoUring(ioUring);
            try (TunDevice tun = ns.call(() -> TunDevice.create(name, 1420, options))) {
                ns.ip("addr", "add", "10.205.0.1/24", "dev", name);
                ns.exec("sysctl", "-qw", "net.ipv6.conf." + name + ".disable_ipv6=1");
                PacketBatch out = new PacketBatch(8, 2048), in = new PacketBatch(8, 2048);
                for (int i = 0; i < 8; i++) echoRequest(out, i);
                out.count(8);
                long bytes = leastAllocatedWindow(() -> {
                    assertEquals(8, tun.writeBatch(out));
                    for (int got = 0; got < 8; ) got += tun.readBatch(in);
                });
                assertTrue(bytes < 1024, bytes + " bytes allocated by " + MEASURED + " batch round trips");
                assertTrue(Packets.checksumsValid(in.buffer(), in.offset(0), in.length(0)), "an echo reply came back");
            }
        }
    }

    /** An ICMP echo request from 10.205.0.2 (behind the TUN) to the kernel at 10.205.0.1. */
    private static void echoRequest(PacketBatch b, int slot) {
        int off = b.offset(slot), len = 20 + 8 + 56;
        OffloadTest.writeIp(b.view(), off, false, 1, len, slot);
        b.view().putInt(off + 12, 0x0acd0002, ByteOrder.BIG_ENDIAN);
        b.view().putInt(off + 16, 0x0acd0001, ByteOrder.BIG_ENDIAN);
        b.view().putShort(off + 10, (short) Packets.checksum(b.buffer(), off, 20, 0), ByteOrder.BIG_ENDIAN);
        b.view().putByte(off + 20, (byte) 8);
        b.view().putShort(off + 24, (short) 77, ByteOrder.BIG_ENDIAN);
        b.view().putShort(off + 26, (short) slot, ByteOrder.BIG_ENDIAN);
        b.view().putShort(off + 22, (short) Packets.checksum(b.buffer(), off + 20, len - 20, 0), ByteOrder.BIG_ENDIAN);
        b.length(slot, len);
    }
}
