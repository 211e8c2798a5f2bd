package dev.dataplane.tun;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunDeviceTest {

    @BeforeEach
    void root() {
        Netns.assumeRoot();
    }

    @Test
    void createsAnUpDeviceWithTheMtuAndCloseRemovesIt() throws Exception {
        String name = Netns.uniqueName("dpt");
        // in the host namespace on purpose, to watch /sys/class/net: no address or route is ever added to it
        TunDevice tun = TunDevice.create(name, 1380);
        try {
            assertEquals(name, tun.name());
            assertEquals(1380, tun.mtu());
            assertTrue(Files.exists(Path.of("/sys/class/net", name)));
            assertEquals("1380", Files.readString(Path.of("/sys/class/net", name, "mtu")).trim());
            int flags = Integer.decode(Files.readString(Path.of("/sys/class/net", name, "flags")).trim());
            assertTrue((flags & 1) != 0, "IFF_UP set");
            assertEquals("0x1001", Files.readString(Path.of("/sys/class/net", name, "tun_flags")).trim(), "IFF_TUN|IFF_NO_PI");
        } finally {
            tun.close();
        }
        assertFalse(Files.exists(Path.of("/sys/class/net", name)), "device gone after close");
        assertFalse(tun.isOpen());
        tun.close(); // idempotent
        assertThrows(ClosedChannelException.class, () -> tun.read(ByteBuffer.allocateDirect(2048), 0, 2048));
    }

    @Test
    void refusesAnOverLongName() {
        TunException e = assertThrows(TunException.class, () -> TunDevice.create("dp-0123456789abcdef", 1420));
        assertTrue(e.getMessage().contains("1 to 15 characters"), e.getMessage());
    }

    @Test
    void refusesAnInvalidName() {
        TunException e = assertThrows(TunException.class, () -> TunDevice.create("dp/x", 1420));
        assertTrue(e.getMessage().contains("invalid interface name"), e.getMessage());
    }

    @Test
    void refusesANameInUse() throws Exception {
        try (Netns ns = Netns.create()) {
            String name = Netns.uniqueName("dpt");
            TunDevice first = ns.call(() -> TunDevice.create(name, 1420));
            try {
                TunException e = assertThrows(TunException.class, () -> ns.call(() -> TunDevice.create(name, 1420)));
                assertTrue(e.getMessage().contains("already in use"), e.getMessage());
                TunException lo = assertThrows(TunException.class, () -> ns.call(() -> TunDevice.create("lo", 1420)));
                assertTrue(lo.getMessage().contains("already in use"), lo.getMessage());
            } finally {
                first.close();
            }
        }
    }

    @Test
    void refusesABadMtu() throws Exception {
        try (Netns ns = Netns.create()) {
            String name = Netns.uniqueName("dpt");
            TunException e = assertThrows(TunException.class, () -> ns.call(() -> TunDevice.create(name, 20)));
            assertTrue(e.getMessage().contains("MTU 20"), e.getMessage());
            assertFalse(ns.hasLink(name), "a device that failed to configure is removed");
        }
    }

    @Test
    void closeFromAnotherThreadEndsABlockedRead() throws Exception {
        try (Netns ns = Netns.create()) {
            TunDevice tun = ns.call(() -> TunDevice.create(Netns.uniqueName("dpt"), 1420));
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(2048);
                try {
                    while (true) tun.read(buf, 0, 2048); // IPv6 router solicitations may come first
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread.sleep(200);
            assertFalse(reader.isDone(), "read blocks while no packet arrives");
            long start = System.nanoTime();
            tun.close();
            Throwable t = reader.get(2, TimeUnit.SECONDS);
            assertTrue(t instanceof AsynchronousCloseException, String.valueOf(t));
            assertTrue(System.nanoTime() - start < 1_000_000_000L, "promptly");
            assertFalse(ns.hasLink(tun.name()));
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "offloads={0} io_uring={1}")
    @org.junit.jupiter.params.provider.CsvSource({"false,false", "true,false", "false,true", "true,true"})
    void closeEndsABlockedBatchReadInEveryFlavour(boolean offloads, boolean ioUring) throws Exception {
        try (Netns ns = Netns.create()) {
            TunOptions options = TunOptions.DEFAULT.withOffloads(offloads).withIoUring(ioUring);
            TunDevice tun = ns.call(() -> TunDevice.create(Netns.uniqueName("dpt"), 1420, options));
            assertEquals(ioUring, tun.usesIoUring());
            assertEquals(offloads, tun.offloads());
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                PacketBatch batch = new PacketBatch(32, 2048);
                try {
                    while (true) tun.readBatch(batch);
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread.sleep(300);
            assertFalse(reader.isDone());
            tun.close();
            assertTrue(reader.get(2, TimeUnit.SECONDS) instanceof ClosedChannelException);
            assertFalse(ns.hasLink(tun.name()));
        }
    }

    @Test
    void answersPingOverIpv4AndIpv6() throws Exception {
        try (Netns ns = Netns.create()) {
            String name = Netns.uniqueName("dpt");
            TunDevice tun = ns.call(() -> TunDevice.create(name, 1420));
            Thread responder = Thread.ofPlatform().daemon().start(() -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(2048);
                try {
                    while (true) {
                        int n = tun.read(buf, 0, 2048);
                        if (Packets.echoReplyInPlace(buf, 0, n)) tun.write(buf, 0, n);
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            try {
                ns.ip("addr", "add", "10.201.0.1/24", "dev", name);
                ns.ip("-6", "addr", "add", "fd00:201::1/64", "dev", name, "nodad");
                String v4 = ns.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", "10.201.0.2");
                assertTrue(v4.contains("3 received"), v4);
                String v6 = ns.exec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "fd00:201::2");
                assertTrue(v6.contains("3 received"), v6);
            } finally {
                tun.close();
                responder.join(2000);
            }
            assertFalse(responder.isAlive());
        }
    }
}
