package dev.dataplane.interop;

import dev.dataplane.crypto.noise.CookieGenerator;
import dev.dataplane.demo.Measure;
import dev.dataplane.demo.Tunnel;
import dev.dataplane.demo.Tunnel.Impl;
import dev.dataplane.netns.Netns;
import dev.dataplane.netns.NetnsThread;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A third namespace floods our responder with handshake initiations that carry a valid MAC1 (anyone who knows
 * the public key can make them) while iperf3 runs through an established tunnel: the device must answer with
 * cookie replies, rate-limit, and keep the tunnel's data flowing. The flood is bounded (seconds and packets).
 */
class HandshakeFloodIT {
    private static final int FLOOD_SECONDS = 6;
    private static final long FLOOD_MAX_PACKETS = 5_000_000;
    private static final int METRICS_PORT = 9586;

    @BeforeEach
    void root() {
        Root.require();
    }

    @Test
    void establishedTrafficKeepsFlowingThroughAnInitiationFlood() throws Exception {
        Path logs = Files.createTempDirectory("dp-flood");
        Tunnel.Launch ours = new Tunnel.Launch(Impl.OURS, null, List.of(), List.of(),
                List.of("--workers", "0", "--threads", "lane", "--metrics", "127.0.0.1:" + METRICS_PORT));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Tunnel t = Tunnel.up("fld", ours, ours, logs); Netns attacker = Netns.create("fla")) {
            Netns.link(attacker, "veth0", "198.18.1.1/24", t.b, "veth1", "198.18.1.2/24");
            assertTrue(Measure.firstContactMs(t.a, Tunnel.INNER_B, 10_000) >= 0, "tunnel up before the flood");
            Measure.iperfGbps(t.a, t.b, Tunnel.INNER_B, 3, 1);   // warm-up: the JIT, not the flood, would show
            double quiet = Measure.iperfGbps(t.a, t.b, Tunnel.INNER_B, 4, 1);

            byte[] victim = Base64.getDecoder().decode(t.pubB);
            Future<Long> flood = pool.submit(() -> NetnsThread.call(attacker.name(), () -> flood(victim)));
            Thread.sleep(300);
            double during = Measure.iperfGbps(t.a, t.b, Tunnel.INNER_B, 4, 1);
            long sent = flood.get();
            System.out.printf("handshake flood: %d initiations in %d s; iperf3 %.2f Gbit/s before, %.2f during%n",
                    sent, FLOOD_SECONDS, quiet, during);

            assertTrue(sent > 10_000, "the flood ran: " + sent);
            assertTrue(during > 0.01, "data kept flowing during the flood: " + during + " Gbit/s");
            String metrics = MetricsScrape.fetch(t.b.name(), METRICS_PORT);
            long cookies = value(metrics, "dataplane_cookie_replies_sent_total\\{[^}]*} (\\d+)");
            long invalid = value(metrics, "reason=\"handshake_invalid\"} (\\d+)");
            long queueFull = value(metrics, "reason=\"handshake_queue_full\"} (\\d+)");
            System.out.printf("responder: %d cookie replies, %d invalid handshakes, %d dropped on a full queue%n",
                    cookies, invalid, queueFull);
            assertTrue(cookies > 0, "under load the responder answers with cookie replies");
            assertEquals(0, t.a.status("ping", "-c", "3", "-W", "2", Tunnel.INNER_B), "and the tunnel works after it");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Sends initiations with random contents and a valid MAC1 for {@code victim}, bounded in time and count. */
    private static long flood(byte[] victim) throws Exception {
        CookieGenerator macs = new CookieGenerator(victim, System::nanoTime);
        Random rnd = new Random(1);
        ByteBuffer[] messages = new ByteBuffer[256];
        for (int i = 0; i < messages.length; i++) {
            byte[] m = new byte[148];
            rnd.nextBytes(m);
            m[0] = 1;
            m[1] = m[2] = m[3] = 0;
            macs.addMacs(m, m.length);
            messages[i] = ByteBuffer.wrap(m);
        }
        long sent = 0, end = System.nanoTime() + FLOOD_SECONDS * 1_000_000_000L;
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.connect(new InetSocketAddress("198.18.1.2", Tunnel.PORT));
            while (System.nanoTime() < end && sent < FLOOD_MAX_PACKETS) {
                ByteBuffer b = messages[(int) (sent & 255)];
                b.clear();
                try {
                    ch.write(b);
                } catch (java.io.IOException refused) {
                    // ICMP errors come back as exceptions on a connected socket; keep going
                }
                sent++;
            }
        }
        return sent;
    }

    private static long value(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no " + regex + " in " + text);
        return Long.parseLong(m.group(1));
    }
}
