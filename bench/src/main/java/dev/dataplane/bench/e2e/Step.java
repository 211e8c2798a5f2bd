package dev.dataplane.bench.e2e;

import dev.dataplane.demo.Measure;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** One measurement on a set-up path: fills its metrics for the run and returns what the progress line shows. */
record Step(String label, Step.Action action) {
    @FunctionalInterface
    interface Action {
        String measure(Endpoints e, PathResult into, int run) throws IOException, InterruptedException;
    }

    static final int SMALL_PAYLOAD = 64;

    /** The fixed sequence run on every path; durations from the options. */
    static List<Step> all(BenchOptions o) {
        return List.of(
                new Step("iperf3 1 stream", (e, r, run) -> {
                    Iperf.Transfer t = Iperf.tcp(e, o.tcpSeconds(), 1, o.congestionControl());
                    r.set(Metric.GBPS_1, run, t.gbps());
                    r.set(Metric.CPU_S_PER_GBIT, run, t.cpuSecondsPerGbit());
                    return String.format(Locale.ROOT, "%.2f Gbit/s, %.3f CPU s/Gbit", t.gbps(), t.cpuSecondsPerGbit());
                }),
                new Step("iperf3 4 streams", (e, r, run) -> {
                    Iperf.Transfer t = Iperf.tcp(e, o.tcpSeconds(), 4, o.congestionControl());
                    r.set(Metric.GBPS_4, run, t.gbps());
                    return String.format(Locale.ROOT, "%.2f Gbit/s", t.gbps());
                }),
                new Step("ping x" + o.pings(), (e, r, run) -> {
                    double ms = Measure.pingRttMs(e.client(), e.serverAddr(), o.pings());
                    if (ms < 0) throw new IOException("no ping replies");
                    r.set(Metric.RTT_MS, run, ms);
                    return String.format(Locale.ROOT, "%.3f ms", ms);
                }),
                new Step("iperf3 UDP " + SMALL_PAYLOAD + " B", (e, r, run) -> {
                    double kpps = Iperf.udp(e, o.udpSeconds(), SMALL_PAYLOAD).packetsPerSecond(SMALL_PAYLOAD) / 1e3;
                    r.set(Metric.KPPS_64, run, kpps);
                    return String.format(Locale.ROOT, "%.0f kpps received", kpps);
                }));
    }
}
