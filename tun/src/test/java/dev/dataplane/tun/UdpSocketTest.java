package dev.dataplane.tun;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UDP sockets are made inside a fresh namespace, so all traffic stays on that namespace's loopback. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdpSocketTest {

    @BeforeEach
    void root() {
        Netns.assumeRoot();
    }

    @Test
    void dualStackSocketTalksToIpv4AndIpv6() throws Exception {
        try (Netns ns = Netns.create();
             UdpSocket server = ns.call(() -> UdpSocket.bind(null, 0));
             UdpSocket v4 = ns.call(() -> UdpSocket.bind(InetAddress.getByName("127.0.0.1"), 0));
             UdpSocket v6 = ns.call(() -> UdpSocket.bind(InetAddress.getByName("::1"), 0))) {
            assertTrue(server.localPort() > 0);
            ByteBuffer buf = ByteBuffer.allocateDirect(2048);
            UdpEndpoint from = new UdpEndpoint();

            for (UdpSocket client : new UdpSocket[] {v4, v6}) {
                String host = client == v4 ? "127.0.0.1" : "::1";
                UdpEndpoint to = new UdpEndpoint(new InetSocketAddress(InetAddress.getByName(host), server.localPort()));
                buf.put(100, (byte) 42);
                client.send(buf, 100, 33, to);
                buf.put(100, (byte) 0);
                assertEquals(33, server.receive(buf, 7, 2000, from));
                assertEquals(42, buf.get(7));
                assertEquals(client.localPort(), from.port());
                assertEquals(client == v6, from.isIpv6(), "IPv4 peers are reported as IPv4: " + from);
                assertEquals(host.equals("::1") ? "[::1]:" + client.localPort() : "127.0.0.1:" + client.localPort(),
                        from.toString());

                server.send(buf, 7, 33, from); // answer to the endpoint as received
                UdpEndpoint back = new UdpEndpoint();
                assertEquals(33, client.receive(buf, 500, 2000, back));
                assertEquals(server.localPort(), back.port());
            }
        }
    }

    @Test
    void ipv4OnlySocketRefusesIpv6Endpoint() throws Exception {
        try (Netns ns = Netns.create(); UdpSocket v4 = ns.call(() -> UdpSocket.bind(InetAddress.getByName("127.0.0.1"), 0))) {
            UdpEndpoint to = new UdpEndpoint(new InetSocketAddress(InetAddress.getByName("::1"), 9));
            assertThrows(java.io.IOException.class, () -> v4.send(ByteBuffer.allocateDirect(8), 0, 8, to));
        }
    }

    @Test
    void bindingATakenPortSaysSo() throws Exception {
        try (Netns ns = Netns.create(); UdpSocket a = ns.call(() -> UdpSocket.bind(null, 0))) {
            Exception e = assertThrows(Exception.class, () -> ns.call(() -> UdpSocket.bind(null, a.localPort())));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
    }

    @Test
    void closeFromAnotherThreadEndsABlockedReceive() throws Exception {
        try (Netns ns = Netns.create()) {
            UdpSocket s = ns.call(() -> UdpSocket.bind(null, 0));
            CompletableFuture<Throwable> receiver = CompletableFuture.supplyAsync(() -> {
                try {
                    s.receive(ByteBuffer.allocateDirect(2048), 0, 2048, new UdpEndpoint());
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread.sleep(200);
            assertFalse(receiver.isDone());
            s.close();
            assertTrue(receiver.get(1, TimeUnit.SECONDS) instanceof AsynchronousCloseException);
        }
    }

    @Test
    void steadyStateSendAndReceiveAllocateNothing() throws Exception {
        try (Netns ns = Netns.create();
             UdpSocket a = ns.call(() -> UdpSocket.bind(null, 0));
             UdpSocket b = ns.call(() -> UdpSocket.bind(null, 0))) {
            ByteBuffer buf = ByteBuffer.allocateDirect(2048);
            UdpEndpoint toB = new UdpEndpoint(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), b.localPort()));
            UdpEndpoint from = new UdpEndpoint();
            for (int i = 0; i < 20_000; i++) pingPong(a, b, buf, toB, from); // warm up: JIT, thread-locals
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            // a JIT recompilation on a loaded machine can land in any one window, so steady state is
            // "some window of 10000 round trips allocates (next to) nothing", tried a few times
            long allocated = Long.MAX_VALUE;
            for (int round = 0; round < 5 && allocated >= 10_000; round++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) pingPong(a, b, buf, toB, from);
                allocated = mx.getCurrentThreadAllocatedBytes() - before;
            }
            assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for 10000 round trips");
        }
    }

    private static void pingPong(UdpSocket a, UdpSocket b, ByteBuffer buf, UdpEndpoint toB, UdpEndpoint from) throws Exception {
        a.send(buf, 0, 1200, toB);
        b.receive(buf, 0, 2048, from);
        b.send(buf, 0, 1200, from);
        a.receive(buf, 0, 2048, from);
    }
}
