package dev.dataplane.tun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbers in docs/io.md: iperf3 TCP (-t 5) through plain TUN→UDP→TUN forwarding in each I/O flavour,
 * beside the same iperf3 over the veth underlay alone. Run with
 * {@code mvn -pl tun test -Dtest=ForwardingBenchmark -Dtun.bench=true [-Dtun.bench.modes=...]}.
 */
@EnabledIfSystemProperty(named = "tun.bench", matches = "true")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ForwardingBenchmark {
    private static final Pattern RECEIVED = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+]+)");
    private static final int SECONDS = Integer.getInteger("tun.bench.seconds", 5);

    @Test
    void measure() throws Exception {
        Netns.assumeRoot();
        List<String> rows = new ArrayList<>();
        // -Dtun.bench.modes=name|name|veth picks rows by their exact names
        java.util.Set<String> only = new java.util.HashSet<>(List.of(System.getProperty("tun.bench.modes", "").split("\\|")));
        only.remove("");
        for (Forwarder.Mode mode : modes()) {
            if (!only.isEmpty() && !only.contains(mode.toString())) continue;
            try (Forwarder f = Forwarder.start(203, 1420, mode)) {
                f.nsA.exec("ping", "-c", "1", "-W", "2", f.innerB);
                f.nsB.start("iperf3", "-s", "-1", "-B", f.innerB);
                long p0 = f.packets.get(), r0 = f.tunReads.get(), t0 = System.nanoTime();
                String json = ForwardingTest.iperf(f, "-c", f.innerB, "-t", String.valueOf(SECONDS), "-J");
                double secs = (System.nanoTime() - t0) / 1e9;
                long pkts = f.packets.get() - p0, reads = f.tunReads.get() - r0;
                rows.add(String.format("| %-40s | %6.2f | %9.0f | %5.1f |", mode, gbits(json), pkts / secs,
                        reads == 0 ? 0 : (double) pkts / reads));
            }
        }
        if (only.isEmpty() || only.contains("veth")) {
            try (Forwarder f = Forwarder.start(204, 1420, Forwarder.Mode.single())) {
                f.nsB.start("iperf3", "-s", "-1", "-B", "198.18.204.2");
                String json = ForwardingTest.iperf(f, "-c", "198.18.204.2", "-t", String.valueOf(SECONDS), "-J");
                rows.add(String.format("| %-40s | %6.2f | %9s | %5s |", "kernel veth (no TUN, MTU 1500)", gbits(json), "-", "-"));
            }
        }
        System.out.println("| mode | Gbit/s | packets/s forwarded (both directions) | packets per TUN read call |");
        System.out.println("|---|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    static List<Forwarder.Mode> modes() {
        return List.of(
                Forwarder.Mode.single(),
                new Forwarder.Mode(64, false, false, false, false),
                new Forwarder.Mode(64, true, false, false, false),
                new Forwarder.Mode(64, true, true, false, false),
                new Forwarder.Mode(64, false, false, true, false),
                new Forwarder.Mode(64, true, true, true, false),
                new Forwarder.Mode(64, false, false, false, true),
                new Forwarder.Mode(64, true, true, false, true),
                new Forwarder.Mode(64, true, true, true, true));
    }

    private static double gbits(String json) {
        Matcher m = RECEIVED.matcher(json);
        if (!m.find()) throw new AssertionError("no iperf3 result: " + json);
        return Double.parseDouble(m.group(1)) / 1e9;
    }
}
