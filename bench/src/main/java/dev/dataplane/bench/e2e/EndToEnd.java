package dev.dataplane.bench.e2e;

import dev.dataplane.demo.Measure;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * `dataplane bench`: every path in {@link #PATHS}, set up fresh in its own namespaces for each run, measured
 * with the same {@link Step}s, repeated and reduced to medians; then a table on stdout and results.json,
 * table.md and throughput.png under OUT/bench-TIMESTAMP/. Runs interleave the paths (run 1 of every path,
 * then run 2, ...) so that a slow drift of the machine spreads over all of them.
 */
public final class EndToEnd {
    /** The paths, in table order. Adding one (our VXLAN, ESP, ...) is one line here. */
    static final List<Supplier<BenchPath>> PATHS = List.of(
            VethPath::new,
            WireGuardPath::ours,
            WireGuardPath::wireguardGo,
            KernelVxlanPath::new,
            OurVxlanPath::new,
            OurEspPath::raw,
            OurEspPath::udp,
            StrongSwanPath::new);
    /** Ratios in the table are against these (and every extra wireguard-go row), when they were measured. */
    static final List<String> REFERENCES = List.of("wireguard-go", "kernel-vxlan", "strongswan");
    private static final int INTERRUPTED = 130;

    private final BenchOptions options;
    private final PrintStream out;
    private final ShutdownGuard guard;

    private EndToEnd(BenchOptions options, PrintStream out, ShutdownGuard guard) {
        this.options = options;
        this.out = out;
        this.guard = guard;
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        // Interrupted means the JVM is already shutting down and its hook waits for this thread to end:
        // System.exit here would block until the hook gave up.
        if (status != INTERRUPTED) System.exit(status);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path home = Path.of(System.getProperty("dataplane.home", ".")).toAbsolutePath().normalize();
        List<BenchPath> all = PATHS.stream().map(Supplier::get).toList();
        String names = String.join(",", all.stream().map(BenchPath::name).toList());
        BenchOptions o;
        try {
            if (List.of(args).contains("--help")) {
                out.print(BenchOptions.USAGE.formatted(names));
                return 0;
            }
            o = BenchOptions.parse(args, home.resolve("results"));
        } catch (BenchOptions.UsageException e) {
            err.println("bench: " + e.getMessage());
            err.print(BenchOptions.USAGE.formatted(names));
            return 2;
        }
        List<BenchPath> paths = new ArrayList<>(all.stream().filter(p -> o.paths().isEmpty() || o.paths().contains(p.name())).toList());
        paths.addAll(o.extra());
        if (paths.isEmpty()) {
            err.println("bench: no path matches --paths " + o.paths() + "; known: " + names);
            return 2;
        }
        Path jar = dataplaneJar(home);
        if (!Files.isRegularFile(jar)) {
            err.println("bench: " + jar + " is missing; build it with mvn -B -DskipTests package");
            return 1;
        }
        try (ShutdownGuard guard = new ShutdownGuard()) {
            return new EndToEnd(o, out, guard).measure(paths, Machine.describe(home, jar));
        } catch (IOException e) {
            err.println("bench: " + e.getMessage());
            return 1;
        }
    }

    /** Our device is started as `java -jar dataplane.jar` (OurProcess reads -Ddataplane.jar); default: the build output. */
    private static Path dataplaneJar(Path home) {
        String configured = System.getProperty("dataplane.jar", "");
        Path jar = configured.isBlank() ? home.resolve("dataplane/target/dataplane.jar") : Path.of(configured);
        System.setProperty("dataplane.jar", jar.toAbsolutePath().toString());
        return jar;
    }

    /** The extra wireguard-go rows first (the bar), then the built-in references. */
    private List<String> references() {
        List<String> refs = new ArrayList<>();
        for (BenchPath p : options.extra()) if (p instanceof WireGuardPath w && w.isWireGuardGo()) refs.add(p.name());
        refs.addAll(REFERENCES);
        return refs;
    }

    private int measure(List<BenchPath> paths, Machine machine) throws IOException {
        Path dir = options.out().resolve("bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        List<Step> steps = Step.all(options);
        List<PathResult> results = new ArrayList<>();
        for (BenchPath p : paths) results.add(new PathResult(p.name(), options.runs()));
        out.printf("bench: %d path(s) x %d run(s) x %d steps, TCP %d s, UDP %d s; commit %s; logs in %s%n",
                paths.size(), options.runs(), steps.size(), options.tcpSeconds(), options.udpSeconds(), machine.commit(), logs);
        long start = System.nanoTime();
        Progress progress = new Progress(options.runs() * paths.size() * steps.size());
        for (int run = 0; run < options.runs() && !guard.stopping(); run++) {
            for (int i = 0; i < paths.size() && !guard.stopping(); i++) {
                runPath(paths.get(i), results.get(i), run, steps, logs, progress);
            }
        }
        if (guard.stopping()) {
            out.println("bench: interrupted; namespaces removed, nothing written");
            return INTERRUPTED;
        }
        String elapsed = Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s";
        String table = ResultTable.markdown(results, references());
        out.println();
        out.printf("medians of %d run(s), %s, %d cores, kernel %s, TCP %s, commit %s (%s)%n%n",
                options.runs(), machine.cpuModel(), machine.cores(), machine.kernel(), options.congestionControl(),
                machine.commit(), elapsed);
        out.print(table);
        Files.writeString(dir.resolve("table.md"), table);
        Files.writeString(dir.resolve("results.json"), dev.dataplane.json.Json.writeIndented(report(results, machine, elapsed)));
        ThroughputChart.write(dir.resolve("throughput.png"), results,
                "median of " + options.runs() + " run(s) x " + options.tcpSeconds() + " s; " + machine.cores()
                        + " cores; commit " + machine.commit());
        out.println();
        out.println("bench: wrote " + dir.resolve("results.json") + ", table.md and throughput.png");
        long failed = results.stream().mapToLong(r -> r.failures.size()).sum();
        if (failed > 0) out.println("bench: " + failed + " step(s) failed; see the lines above and " + logs);
        return failed == 0 ? 0 : 1;
    }

    /** One run of one path: fresh namespaces, a warm-up, every step, and always the teardown. */
    private void runPath(BenchPath path, PathResult into, int run, List<Step> steps, Path logs, Progress progress) {
        String prefix = "run " + (run + 1) + "/" + options.runs() + " " + path.name() + ": ";
        long t0 = System.nanoTime();
        Endpoints e;
        try {
            e = path.setUp(logs);
        } catch (IOException | RuntimeException | InterruptedException ex) {
            out.println(prefix + fail(into, "set-up", ex));
            progress.skip(steps.size());
            return;
        }
        guard.track(e);
        try {
            try {
                if (options.warmUpSeconds() > 0) warmUp(e, options.warmUpSeconds(), options.congestionControl());
            } catch (IOException | RuntimeException | InterruptedException ex) {
                out.println(prefix + fail(into, "warm-up", ex));
                progress.skip(steps.size());
                return;
            }
            out.printf("%sup and warm in %.1f s%n", prefix, (System.nanoTime() - t0) / 1e9);
            for (Step step : steps) {
                if (guard.stopping()) return;
                out.print(progress.next() + " " + path.name() + ": " + step.label() + " ... ");
                out.flush();
                try {
                    out.println(step.action().measure(e, into, run));
                } catch (IOException | RuntimeException | InterruptedException ex) {
                    out.println(fail(into, step.label(), ex));
                }
            }
        } finally {
            e.close();
            guard.track(null);
        }
    }

    /**
     * About {@code seconds} of traffic before the measured steps. A fresh JVM spends its first seconds in the JIT,
     * and C2 compiles each hot method for the branches seen so far: the first small packet, new connection or
     * second flow after a long bulk transfer hits a branch compiled as never taken, and the method falls back to
     * the interpreter and is compiled again (`-Xlog:deoptimization=debug`: the AEAD, checksum, coalescing and
     * sendmmsg methods all did so as the first measured transfer began, with C2 taking 12-16 % of the device's CPU
     * in it). So the warm-up sends every kind of traffic the steps send, then bulk data again while C2 recompiles.
     */
    private static void warmUp(Endpoints e, int seconds, String cc) throws IOException, InterruptedException {
        int bulk = Math.max(1, seconds - 6);
        Iperf.tcp(e, bulk, 1, cc);
        if (seconds <= bulk) return;
        Iperf.tcp(e, 2, 4, cc);
        Measure.pingRttMs(e.client(), e.serverAddr(), 3);
        Iperf.udp(e, 1, Step.SMALL_PAYLOAD);
        Iperf.tcp(e, 3, 1, cc);
    }

    /** Records a failed step (its metrics stay NaN for this run) and returns the line to print. */
    private static String fail(PathResult into, String what, Exception ex) {
        // No re-interrupt on InterruptedException: nothing interrupts this thread, and a set flag would make
        // the teardown's own waits fail and leave namespaces behind.
        String reason = String.valueOf(ex.getMessage()).strip().lines().findFirst().orElse("");
        into.failures.add(what + ": " + reason);
        return "FAILED (" + what + ": " + reason + ")";
    }

    private Map<String, Object> report(List<PathResult> results, Machine machine, String elapsed) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("timestamp", OffsetDateTime.now().toString());
        root.put("machine", machine.toMap());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("runs", options.runs());
        settings.put("tcp_seconds", options.tcpSeconds());
        settings.put("udp_seconds", options.udpSeconds());
        settings.put("udp_payload_bytes", Step.SMALL_PAYLOAD);
        settings.put("pings", options.pings());
        settings.put("warm_up_seconds", options.warmUpSeconds());
        settings.put("tcp_congestion_control", options.congestionControl());
        settings.put("elapsed", elapsed);
        settings.put("cpu_method", "busy jiffies (user+nice+system+irq+softirq, all CPUs, /proc/stat) over the"
                + " 1-stream iperf3 client run, divided by the Gbit the receiver got");
        root.put("settings", settings);
        List<Object> paths = new ArrayList<>();
        for (PathResult r : results) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("path", r.name);
            Map<String, Object> medians = new LinkedHashMap<>();
            Map<String, Object> runs = new LinkedHashMap<>();
            for (Metric m : Metric.values()) {
                medians.put(m.key, r.median(m));
                runs.put(m.key, r.runs(m));
            }
            p.put("median", medians);
            for (String ref : references()) {
                ResultTable.find(results, ref).ifPresent(x -> {
                    p.put("ratio_1_stream_vs_" + ref, ResultTable.ratio(r, x, Metric.GBPS_1));
                    p.put("ratio_4_streams_vs_" + ref, ResultTable.ratio(r, x, Metric.GBPS_4));
                });
            }
            p.put("runs", runs);
            p.put("failures", r.failures);
            paths.add(p);
        }
        root.put("paths", paths);
        return root;
    }

    /** "[k/total]", counting skipped steps too so the denominator stays honest. */
    private static final class Progress {
        private final int total;
        private int done;

        Progress(int total) {
            this.total = total;
        }

        String next() {
            return "[" + (++done) + "/" + total + "]";
        }

        void skip(int steps) {
            done += steps;
        }
    }
}
