package dev.dataplane.interop;

import dev.dataplane.crypto.X25519;
import dev.dataplane.demo.Measure;
import dev.dataplane.demo.Tunnel;
import dev.dataplane.demo.Tunnel.Impl;
import dev.dataplane.netns.Netns;
import dev.dataplane.netns.NetnsThread;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our device at both ends of an impaired path: A ─ relay namespace ─ B, where {@link ImpairingRelay} drops,
 * reorders, duplicates and delays (this kernel has no netem). Each fault ends with traffic flowing and the
 * configuration intact. Inline mode, pinned.
 */
class FaultsIT {
    private static final String INNER_A = "10.79.0.1";
    private static final String INNER_B = "10.79.0.2";
    private static final int METRICS_PORT = 9587;

    @BeforeEach
    void root() {
        Root.require();
    }

    @Test
    void lossReorderingAndDuplicatesSlowTheTunnelButDoNotBreakIt() throws Exception {
        try (Path3 p = Path3.up()) {
            assertTrue(Measure.firstContactMs(p.a, INNER_B, 15_000) >= 0, "tunnel up");
            p.relay.loss = 0.10;
            String ping = p.a.exec("ping", "-c", "20", "-i", "0.2", "-W", "1", INNER_B).replaceAll("(?s).*?(\\d+) received.*", "$1");
            assertTrue(Integer.parseInt(ping.strip()) >= 8, "10 % loss each way: most pings come back, got " + ping);
            double lossy = Measure.iperfGbps(p.a, p.b, INNER_B, 3, 1);
            assertTrue(lossy > 0.001, "TCP still moves data at 10 % loss: " + lossy);

            p.relay.loss = 0;
            p.relay.reorder = 0.25;
            p.relay.duplicate = 0.10;
            assertEquals(0, p.a.status("ping", "-c", "10", "-i", "0.2", "-W", "2", INNER_B), "reordered and duplicated");
            double reordered = Measure.iperfGbps(p.a, p.b, INNER_B, 3, 1);
            assertTrue(reordered > 0.01, "and TCP through it: " + reordered);
            long replayed = metric(p.b, "reason=\"replayed\"} (\\d+)");
            assertTrue(replayed > 0, "duplicates are dropped by the replay window and counted");
            System.out.printf("faults: iperf3 %.2f Gbit/s at 10%% loss, %.2f with 25%% reordered + 10%% duplicated; %d replays dropped%n",
                    lossy, reordered, replayed);
        }
    }

    @Test
    void aLongDelayStillCompletesTheHandshake() throws Exception {
        try (Path3 p = Path3.up()) {
            p.relay.delayMs = 200;
            assertTrue(Measure.firstContactMs(p.a, INNER_B, 20_000) >= 0, "handshake across 200 ms each way");
            double rtt = Measure.pingRttMs(p.a, INNER_B, 3);
            assertTrue(rtt >= 390, "the delay is real: " + rtt + " ms");
            assertEquals(0, p.b.status("ping", "-c", "2", "-W", "3", INNER_A), "both ways");
        }
    }

    @Test
    void aNatRebindingIsFollowed() throws Exception {
        try (Path3 p = Path3.up()) {
            assertTrue(Measure.firstContactMs(p.a, INNER_B, 15_000) >= 0);
            NetnsThread.call(p.m.name(), () -> {
                p.relay.rebind(Tunnel.PORT + 7);
                return null;
            });
            // A speaks first from its new (translated) source; B must answer there
            assertEquals(0, p.a.status("ping", "-c", "3", "-W", "2", INNER_B), "traffic flows after the rebinding");
            String ep = p.b.exec("wg", "show", p.ifB, "endpoints");
            assertTrue(ep.contains("198.18.4.2:" + (Tunnel.PORT + 7)), "B follows A to its new mapping: " + ep);
            assertEquals(0, p.b.status("ping", "-c", "2", "-W", "2", INNER_A), "and can start traffic itself");
        }
    }

    @Test
    void aNatRebindingBehindIptablesMasqueradeIsFollowed() throws Exception {
        Path logs = Files.createTempDirectory("dp-nat");
        Netns a = Netns.create("nta"), m = Netns.create("ntm"), b = Netns.create("ntb");
        String ifA = WireGuardGo.uniqueIface("dna"), ifB = WireGuardGo.uniqueIface("dnb");
        try {
            Netns.link(a, "veth0", "198.18.5.1/24", m, "veth0", "198.18.5.2/24");
            Netns.link(m, "veth1", "198.18.6.2/24", b, "veth0", "198.18.6.1/24");
            a.exec("ip", "route", "add", "default", "via", "198.18.5.2");
            m.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            m.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.promote_secondaries=1");   // the new address outlives the old
            m.exec("iptables", "-t", "nat", "-A", "POSTROUTING", "-o", "veth1", "-j", "MASQUERADE");
            String privA = Path3.key(), privB = Path3.key();
            Tunnel.startDevice(a, ifA, Path3.ours(), logs);
            Tunnel.startDevice(b, ifB, Path3.ours(), logs);
            // B does not know where A is: it learns it from A's packets, after translation
            Path3.configure(logs, a, ifA, privA, Path3.pub(privB), "198.18.6.1:" + Tunnel.PORT, "10.80.0.1", "10.80.0.2");
            Path3.configure(logs, b, ifB, privB, Path3.pub(privA), null, "10.80.0.2", "10.80.0.1");
            assertTrue(Measure.firstContactMs(a, "10.80.0.2", 15_000) >= 0, "through the NAT");
            assertTrue(b.exec("wg", "show", ifB, "endpoints").contains("198.18.6.2:"), "B sees A as the NAT's address");

            // the NAT loses its mapping and makes a new one from another address: removing the masquerading
            // address flushes its connections, the next packet leaves from the new primary address
            m.exec("ip", "addr", "add", "198.18.6.3/24", "dev", "veth1");
            m.exec("ip", "addr", "del", "198.18.6.2/24", "dev", "veth1");
            assertEquals(0, a.status("ping", "-c", "3", "-W", "2", "10.80.0.2"), "traffic flows after the rebinding");
            String ep = b.exec("wg", "show", ifB, "endpoints");
            assertTrue(ep.contains("198.18.6.3:"), "B follows A to its new mapping: " + ep);
            assertEquals(0, b.status("ping", "-c", "2", "-W", "2", "10.80.0.1"), "and can start traffic itself");
        } finally {
            for (Netns n : List.of(a, m, b)) n.close();
            for (String iface : List.of(ifA, ifB)) Files.deleteIfExists(Path.of("/var/run/wireguard", iface + ".sock"));
        }
    }

    @Test
    void aRestartedPeerIsReachedAgain() throws Exception {
        try (Path3 p = Path3.up()) {
            assertTrue(Measure.firstContactMs(p.a, INNER_B, 15_000) >= 0);
            p.restartB();   // new process, same key and configuration, no session
            assertEquals(0, p.b.status("ping", "-c", "1", "-w", "20", INNER_A), "the restarted end initiates and gets through");
            assertEquals(0, p.a.status("ping", "-c", "3", "-W", "2", INNER_B), "and A's traffic reaches it again");
            String peers = p.a.exec("wg", "show", p.ifA, "peers").strip();
            assertEquals(p.pubB, peers, "A kept its configuration");
        }
    }

    private static long metric(Netns ns, String regex) throws IOException {
        String text = MetricsScrape.fetch(ns.name(), METRICS_PORT);
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no " + regex);
        return Long.parseLong(m.group(1));
    }

    /** A ─ veth ─ M (relay) ─ veth ─ B, our device at A and B, configured with wg and ip. */
    private static final class Path3 implements AutoCloseable {
        final Netns a, m, b;
        final ImpairingRelay relay;
        final String ifA = WireGuardGo.uniqueIface("dfa"), ifB = WireGuardGo.uniqueIface("dfb");
        final String privA = key(), privB = key();
        final String pubA = pub(privA), pubB = pub(privB);
        final Path logs = Files.createTempDirectory("dp-faults");
        Process deviceB;

        private Path3(Netns a, Netns m, Netns b, ImpairingRelay relay) throws IOException {
            this.a = a;
            this.m = m;
            this.b = b;
            this.relay = relay;
        }

        static Path3 up() throws Exception {
            Netns a = Netns.create("fta"), m = Netns.create("ftm"), b = Netns.create("ftb");
            Path3 p = null;
            try {
                Netns.link(a, "veth0", "198.18.3.1/24", m, "veth0", "198.18.3.2/24");
                Netns.link(m, "veth1", "198.18.4.2/24", b, "veth0", "198.18.4.1/24");
                ImpairingRelay relay = NetnsThread.call(m.name(), () -> new ImpairingRelay(
                        new InetSocketAddress("198.18.3.2", Tunnel.PORT), new InetSocketAddress("198.18.4.2", Tunnel.PORT + 1),
                        new InetSocketAddress("198.18.4.1", Tunnel.PORT)));
                p = new Path3(a, m, b, relay);
                Tunnel.startDevice(a, p.ifA, ours(), p.logs);
                p.configure(a, p.ifA, p.privA, p.pubB, "198.18.3.2:" + Tunnel.PORT, INNER_A, INNER_B);
                p.startB();
                return p;
            } catch (Exception e) {
                if (p != null) p.close();
                else for (Netns n : List.of(a, m, b)) n.close();
                throw e;
            }
        }

        static Tunnel.Launch ours(String... args) {
            List<String> device = new java.util.ArrayList<>(List.of("--workers", "0", "--threads", "lane"));
            device.addAll(List.of(args));
            return new Tunnel.Launch(Impl.OURS, null, List.of(), List.of(), device);
        }

        void startB() throws Exception {
            deviceB = Tunnel.startDevice(b, ifB, ours("--metrics", "127.0.0.1:" + METRICS_PORT), logs);
            configure(b, ifB, privB, pubA, "198.18.4.2:" + (Tunnel.PORT + 1), INNER_B, INNER_A);
        }

        void restartB() throws Exception {
            deviceB.destroy();   // SIGTERM: removes its device and socket
            assertTrue(deviceB.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "B stops on SIGTERM");
            startB();
        }

        private void configure(Netns ns, String iface, String priv, String peerPub, String endpoint, String inner, String peerInner)
                throws IOException {
            configure(logs, ns, iface, priv, peerPub, endpoint, inner, peerInner);
        }

        /** `wg set` and `ip` as an operator would; {@code endpoint} null leaves the peer to be learned. */
        static void configure(Path dir, Netns ns, String iface, String priv, String peerPub, String endpoint, String inner,
                              String peerInner) throws IOException {
            Path key = Files.createTempFile(dir, "key", ".key", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, priv + "\n");
            List<String> cmd = new java.util.ArrayList<>(List.of("wg", "set", iface, "listen-port", String.valueOf(Tunnel.PORT),
                    "private-key", key.toString(), "peer", peerPub, "allowed-ips", peerInner + "/32"));
            if (endpoint != null) cmd.addAll(List.of("endpoint", endpoint));
            ns.exec(cmd.toArray(String[]::new));
            Files.delete(key);
            ns.exec("ip", "addr", "add", inner + "/24", "dev", iface);
            ns.exec("ip", "link", "set", iface, "up");
        }

        static String key() {
            return Base64.getEncoder().encodeToString(X25519.generatePrivateKey());
        }

        static String pub(String priv) {
            return Base64.getEncoder().encodeToString(X25519.publicKey(Base64.getDecoder().decode(priv)));
        }

        @Override
        public void close() throws IOException {
            relay.close();
            for (Netns n : List.of(a, m, b)) n.close();
            for (String iface : List.of(ifA, ifB)) Files.deleteIfExists(Path.of("/var/run/wireguard", iface + ".sock"));
        }
    }
}
