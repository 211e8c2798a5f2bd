package dev.dataplane.tun;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One thread serving a real TUN device and a real UDP socket: empty reads return, and it waits for either. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadinessTest {

    @BeforeEach
    void root() {
        Netns.assumeRoot();
    }

    @Test
    void emptyReadsReturnOnlyOnTheThreadThatAskedAndTheWaitEndsOnEitherSide() throws Exception {
        ExecutorService lane = Executors.newSingleThreadExecutor();
        try (Netns ns = Netns.create()) {
            String name = Netns.uniqueName("dpr");
            TunDevice tun = ns.call(() -> TunDevice.create(name, 1420));
            ns.exec("sysctl", "-qw", "net.ipv6.conf." + name + ".disable_ipv6=1");   // no more router solicitations
            ns.ip("addr", "add", "10.99.0.1/24", "dev", name);
            try (UdpSocket rx = ns.call(() -> UdpSocket.bind(InetAddress.getByName("127.0.0.1"), 0));
                 UdpSocket tx = ns.call(() -> UdpSocket.bind(InetAddress.getByName("127.0.0.1"), 0))) {
                PacketBatch fromTun = new PacketBatch(8, 2048, 16);
                PacketBatch fromWire = new PacketBatch(8, 2048);

                // this thread did not ask: its read waits (ended by sending it a datagram)
                CompletableFuture<Integer> blocking = CompletableFuture.supplyAsync(() -> receive(rx, fromWire));
                lane.submit(Readiness::returnEmptyReads).get();
                // what the device sent when it came up (IPv6 solicitations) is read first; then the reads come back empty
                assertThrows(Readiness.NothingWaiting.class, () -> call(lane, () -> {
                    for (int i = 0; i < 100; i++) tun.readBatch(fromTun);
                    return 0;
                }));
                assertFalse(blocking.isDone(), "a thread that did not ask still waits");
                send(tx, rx.localPort(), new InetSocketAddress("127.0.0.1", rx.localPort()));
                assertEquals(1, blocking.get(10, TimeUnit.SECONDS));
                assertThrows(Readiness.NothingWaiting.class, () -> call(lane, () -> rx.receiveBatch(fromWire)));

                // a datagram on the socket ends the wait, and the lane's read then takes it
                CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> awaitEither(tun, rx), lane);
                send(tx, rx.localPort(), new InetSocketAddress("127.0.0.1", rx.localPort()));
                waiting.get(10, TimeUnit.SECONDS);
                assertEquals(1, call(lane, () -> rx.receiveBatch(fromWire)));

                // a packet routed into the TUN device ends it too
                waiting = CompletableFuture.runAsync(() -> awaitEither(tun, rx), lane);
                try (UdpSocket inside = ns.call(() -> UdpSocket.bind(InetAddress.getByName("10.99.0.1"), 0))) {
                    send(inside, 9, new InetSocketAddress("10.99.0.2", 9));
                    waiting.get(10, TimeUnit.SECONDS);
                    assertTrue(call(lane, () -> tun.readBatch(fromTun)) >= 1, "the routed packet is read");
                }

                // closing the device ends a wait instead of leaving the thread blocked (one that starts after the
                // close throws at once)
                waiting = CompletableFuture.runAsync(() -> awaitEither(tun, rx), lane);
                tun.close();
                try {
                    waiting.get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(e.getCause().getCause() instanceof java.nio.channels.ClosedChannelException, e.toString());
                }
            } finally {
                tun.close();
            }
        } finally {
            lane.shutdownNow();
        }
    }

    private interface IoCall {
        int run() throws Exception;
    }

    /** Runs {@code c} on {@code lane}, rethrowing what it threw. */
    private static int call(ExecutorService lane, IoCall c) throws Exception {
        try {
            return lane.submit(c::run).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    private static void awaitEither(TunDevice tun, UdpSocket socket) {
        try {
            Readiness.awaitEither(tun, socket);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int receive(UdpSocket socket, PacketBatch batch) {
        try {
            return socket.receiveBatch(batch);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void send(UdpSocket from, int port, InetSocketAddress to) throws Exception {
        PacketBatch out = new PacketBatch(1, 2048);
        out.view().setMemory(out.offset(0), 100, (byte) port);
        out.filled(0, 100);
        out.endpoint(0).copyFrom(new UdpEndpoint(to));
        out.count(1);
        assertEquals(1, from.sendBatch(out));
    }
}
