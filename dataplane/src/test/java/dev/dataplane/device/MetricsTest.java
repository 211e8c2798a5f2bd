package dev.dataplane.device;

import dev.dataplane.metrics.MetricsServer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.dataplane.device.EnginePair.A_INNER;
import static dev.dataplane.device.EnginePair.B_INNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Prometheus endpoint over real HTTP on loopback, fed by two engines that moved traffic. */
class MetricsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void servesPerPeerCountersDropsAndQueueDepths() throws Exception {
        try (EnginePair p = new EnginePair(ProtocolLimits.STANDARD, false, 0);
             MetricsServer server = MetricsServer.start(new InetSocketAddress("127.0.0.1", 0), p.a::metricsText)) {
            p.tunA.inject(Packets.ipv4(A_INNER, B_INNER, 100, 1));
            assertNotNull(p.tunB.delivered(5000));
            p.tunA.inject(Packets.ipv4(A_INNER, Packets.ip(10, 0, 0, 77), 10, 2));   // no route: one drop
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (p.a.stats().drops(DropReason.NO_ROUTE) == 0 && System.nanoTime() < deadline) Thread.sleep(10);

            HttpResponse<String> r = get(server, "/metrics", "GET");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            String text = r.body();
            String key = Base64.getEncoder().encodeToString(p.pubB);
            String peer = "{interface=\"a\",public_key=\"" + key + "\"} ";
            assertTrue(value(text, "dataplane_peer_transmit_bytes_total" + peer) >= 148 + 32 + 128, text);
            assertTrue(value(text, "dataplane_peer_receive_bytes_total" + peer) >= 92, text);
            assertTrue(value(text, "dataplane_peer_transmit_packets_total" + peer) >= 2, text);
            assertEquals(1, value(text, "dataplane_peer_handshakes_completed_total" + peer));
            assertEquals(1, value(text, "dataplane_peer_handshake_initiations_sent_total" + peer));
            assertEquals(1, value(text, "dataplane_peer_handshake_responses_received_total" + peer));
            assertTrue(value(text, "dataplane_peer_last_handshake_seconds" + peer) > 1_600_000_000L);
            assertEquals(1, value(text, "dataplane_drops_total{interface=\"a\",reason=\"no_route\"} "));
            for (DropReason reason : DropReason.values()) {
                assertTrue(text.contains("reason=\"" + reason.name().toLowerCase() + "\""), "every reason listed: " + reason);
            }
            assertEquals(1, value(text, "dataplane_peers{interface=\"a\"} "));
            assertEquals(0, value(text, "dataplane_pipeline_queue_depth{interface=\"a\",direction=\"outbound\"} "));
            for (String line : text.split("\n")) {
                assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ") || line.matches("[a-z_]+\\{[^}]*} -?\\d+"),
                        "exposition format: " + line);
            }

            assertEquals(404, get(server, "/", "GET").statusCode());
            assertEquals(405, get(server, "/metrics", "POST").statusCode());
        }
    }

    @Test
    void parsesTheListenAddress() {
        assertEquals(new InetSocketAddress("127.0.0.1", 9586), MetricsServer.parse("9586"));
        assertEquals(new InetSocketAddress("198.18.0.1", 80), MetricsServer.parse("198.18.0.1:80"));
        assertEquals(new InetSocketAddress("::1", 9586), MetricsServer.parse("[::1]:9586"));
        for (String bad : new String[] {"", "x", "70000", "-1", "localhost:9586", "1.2.3.4:", ":9586", "[::1]:x"}) {
            assertThrows(IllegalArgumentException.class, () -> MetricsServer.parse(bad), bad);
        }
    }

    private HttpResponse<String> get(MetricsServer server, String path, String method) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + path);
        HttpRequest req = HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static long value(String text, String seriesWithSpace) {
        Matcher m = Pattern.compile(Pattern.quote(seriesWithSpace) + "(-?\\d+)").matcher(text);
        assertTrue(m.find(), "no series " + seriesWithSpace.strip() + " in:\n" + text);
        return Long.parseLong(m.group(1));
    }
}
