package dev.dataplane.cli;

import dev.dataplane.demo.Measure;
import dev.dataplane.demo.Tunnel;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * `dataplane demo`: the main job on defaults. Two namespaces it creates, our WireGuard device in one and
 * wireguard-go (or ours) in the other, then ping and a 5-second iperf3 through the tunnel, a summary, and
 * everything removed — also on Ctrl-C.
 */
final class Demo {
    private Demo() {}

    static int run(Options o, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        Tunnel.Impl peer = o.peer().equals("ours") ? Tunnel.Impl.OURS : Tunnel.Impl.WIREGUARD_GO;
        Path logs = Files.createTempDirectory("dataplane-demo");
        out.println("demo: namespaces with our WireGuard <-> " + o.peer() + " (logs in " + logs + ")");
        Tunnel[] holder = new Tunnel[1];
        Thread cleanup = new Thread(() -> {
            Tunnel t = holder[0];
            if (t != null) t.close();
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        try (Tunnel t = Tunnel.up("demo", Tunnel.Impl.OURS, peer, logs)) {
            holder[0] = t;
            out.println("demo: " + t.a.name() + " (" + t.ifA + ", ours, " + Tunnel.INNER_A + ") <-> "
                    + t.b.name() + " (" + t.ifB + ", " + o.peer() + ", " + Tunnel.INNER_B + ")");
            long handshakeMs = Measure.firstContactMs(t.a, Tunnel.INNER_B, 10_000);
            if (handshakeMs < 0) {
                err.println("demo: no ping reply through the tunnel within 10 s; see " + logs);
                return Cli.EXIT_FAILURE;
            }
            out.println("demo: handshake and first ping: " + handshakeMs + " ms");
            double rtt = Measure.pingRttMs(t.a, Tunnel.INNER_B, 5);
            double rtt6 = Measure.pingRttMs(t.a, Tunnel.INNER6_B, 3);
            out.printf("demo: ping RTT %.3f ms (IPv4), %.3f ms (IPv6)%n", rtt, rtt6);
            out.println("demo: iperf3 for 5 s...");
            double gbps = Measure.iperfGbps(t.a, t.b, Tunnel.INNER_B, 5, 1);
            out.println("demo: wg show (ours):");
            out.print(t.a.exec("wg", "show", t.ifA).indent(2));
            out.println();
            out.println("summary");
            out.printf("  handshake + first ping  %d ms%n", handshakeMs);
            out.printf("  ping RTT                %.3f ms%n", rtt);
            out.printf("  iperf3 (1 stream, 5 s)  %.2f Gbit/s%n", gbps);
            return rtt > 0 && gbps > 0 ? 0 : Cli.EXIT_FAILURE;
        } finally {
            holder[0] = null;
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook is doing the cleanup
            }
            out.println("demo: namespaces removed");
        }
    }
}
