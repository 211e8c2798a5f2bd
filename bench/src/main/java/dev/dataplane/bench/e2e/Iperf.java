package dev.dataplane.bench.e2e;

import dev.dataplane.demo.IperfReport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** iperf3 runs through a path, bounded in time, with the machine's busy CPU time sampled around the client. */
final class Iperf {
    private static final String PORT = "5201";
    private static final Pattern ERROR = Pattern.compile("\"error\":\\s*\"([^\"]*)\"");

    /** What the receiver got: bytes over seconds, and the CPU the whole machine spent meanwhile. */
    record Transfer(long bytes, double seconds, double cpuSeconds) {
        double gbps() {
            return bytes * 8 / seconds / 1e9;
        }

        double cpuSecondsPerGbit() {
            return cpuSeconds / (bytes * 8 / 1e9);
        }

        double packetsPerSecond(int payload) {
            return bytes / (double) payload / seconds;
        }
    }

    private Iperf() {}

    /** TCP with {@code streams} parallel flows, each with congestion control {@code algorithm} (iperf3 -C). */
    static Transfer tcp(Endpoints e, int seconds, int streams, String algorithm) throws IOException, InterruptedException {
        return run(e, seconds, "-P", String.valueOf(streams), "-C", algorithm);
    }

    /** UDP datagrams of {@code payload} bytes, unthrottled (-b 0): a packet-rate test, not a bandwidth one. */
    static Transfer udp(Endpoints e, int seconds, int payload) throws IOException, InterruptedException {
        return run(e, seconds, "-u", "-l", String.valueOf(payload), "-b", "0");
    }

    private static Transfer run(Endpoints e, int seconds, String... mode) throws IOException, InterruptedException {
        Process server = e.server().start(Map.of(), null, "iperf3", "-s", "-1", "-B", e.serverAddr(), "-p", PORT);
        try {
            awaitListening(e, server);
            // --foreground keeps iperf3 in our process group, so a Ctrl-C stops it at once like everything else.
            List<String> cmd = new ArrayList<>(List.of("timeout", "--foreground", String.valueOf(seconds + 20), "iperf3", "-c", e.serverAddr(),
                    "-p", PORT, "-t", String.valueOf(seconds), "-J"));
            cmd.addAll(List.of(mode));
            double cpuBefore = CpuClock.busySeconds();
            String json;
            try {
                json = e.client().exec(cmd.toArray(String[]::new));
            } catch (IOException failed) {
                throw reason(failed);
            }
            double cpu = CpuClock.busySeconds() - cpuBefore;
            return received(json, cpu);
        } finally {
            server.destroy();
            server.waitFor(2, TimeUnit.SECONDS);
        }
    }

    /** The receiver's totals ({@link IperfReport}); a transfer that moved nothing is an error. */
    static Transfer received(String json, double cpuSeconds) throws IOException {
        IperfReport r = IperfReport.parse(json);
        if (r.seconds() <= 0 || r.bytes() <= 0) throw new IOException("iperf3 received nothing: " + r);
        return new Transfer(r.bytes(), r.seconds(), cpuSeconds);
    }

    /** iperf3 -J puts its reason in an "error" field; that line says more than the exit status and a brace. */
    private static IOException reason(IOException failed) {
        Matcher m = ERROR.matcher(String.valueOf(failed.getMessage()));
        return m.find() ? new IOException("iperf3: " + m.group(1), failed) : failed;
    }

    /** A fixed sleep is either slow or flaky on a loaded 2-core box; poll for the listening socket instead. */
    private static void awaitListening(Endpoints e, Process server) throws IOException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (!server.isAlive()) throw new IOException("iperf3 server exited at once");
            if (!e.server().exec("ss", "-Hltn", "sport = :" + PORT).isBlank()) return;
            Thread.sleep(50);
        }
        throw new IOException("iperf3 server not listening after 5 s");
    }
}
