package dev.dataplane.bench.e2e;

import dev.dataplane.demo.Tunnel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Flags of `dataplane bench`. {@code paths} empty means every path; {@code extra} are the rows added with
 * --wireguard-go and --ours, measured after the built-in ones.
 */
record BenchOptions(int runs, int tcpSeconds, int udpSeconds, int pings, int warmUpSeconds, Path out, List<String> paths,
                    boolean quick, List<BenchPath> extra, String congestionControl) {
    /**
     * TCP through a path before its measured steps, so that the numbers are a long-running device's. A fresh JVM
     * compiles its packet path for seconds, and on two busy cores its compiler threads wait their turn: with 4 s,
     * hot loops were still being compiled (and deoptimised) during the first measured transfer, which read
     * 1.60-1.80 Gbit/s against 2.13-2.24 after 14 s in interleaved runs (docs/benchmarks.md).
     */
    static final int DEFAULT_WARM_UP_SECONDS = 12;
    /**
     * Every TCP transfer asks iperf3 for this algorithm (-C) instead of taking the machine's default, which differs
     * between machines (bbr on some of ours, cubic on others) and moves every path by a few per cent: numbers
     * from two machines are only comparable with the algorithm fixed. cubic is Linux's own default.
     */
    static final String DEFAULT_CONGESTION_CONTROL = "cubic";
    static final String USAGE = """
            Usage: dataplane bench [--quick] [--runs N] [--seconds S] [--out DIR] [--paths a,b,...]
                                   [--warm-up S] [--congestion-control NAME]
                                   [--wireguard-go NAME=BINARY]... [--ours 'NAME=ARGS']...

              --quick        one run, 2-second transfers (a smoke test; default: 3 runs of 5 s)
              --runs N       repeat every measurement N times and report medians (default 3)
              --seconds S    length of each TCP transfer (default 5, --quick 2)
              --warm-up S    seconds of traffic through each path before its measured steps: bulk TCP,
                             then each step's kind of traffic once, then bulk TCP again (default WARM)
              --congestion-control NAME
                             TCP congestion control for every transfer (iperf3 -C; default CC), whatever
                             the machine's default is
              --out DIR      where bench-<timestamp>/ goes (default: results/ under the repository)
              --paths LIST   only these paths, comma-separated: %s
              --wireguard-go NAME=BINARY
                             one more row: another wireguard-go build at both ends (for example
                             modern=../shared/tools/wireguard-go-modern/wireguard-go-modern); ratios are
                             given against every such row too
              --ours 'NAME=ARGS'
                             one more row of ours: ARGS are device flags (--workers 4), JVM flags
                             (one dash: -XX:ActiveProcessorCount=8, -D..., -agentpath:...), taskset:CPUS to pin both
                             devices, jar:PATH to run another build's dataplane.jar (A/B in one run),
                             path:P to run it as our path P (ours, ours-vxlan, ours-esp, ours-esp-udp; default ours)
            """.replace("WARM", String.valueOf(DEFAULT_WARM_UP_SECONDS)).replace("default CC", "default " + DEFAULT_CONGESTION_CONTROL);

    private static final java.util.concurrent.atomic.AtomicInteger ROWS = new java.util.concurrent.atomic.AtomicInteger();

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static BenchOptions parse(String[] args, Path defaultOut) throws UsageException {
        boolean quick = false;
        Integer runs = null, seconds = null, warmUp = null;
        Path out = defaultOut;
        String congestionControl = DEFAULT_CONGESTION_CONTROL;
        List<String> paths = List.of();
        List<BenchPath> extra = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--runs" -> runs = number(args, ++i, a, 1, 50);
                case "--seconds" -> seconds = number(args, ++i, a, 1, 60);
                case "--warm-up" -> warmUp = number(args, ++i, a, 0, 120);
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--congestion-control" -> congestionControl = congestionControl(value(args, ++i, a));
                case "--paths" -> paths = List.of(value(args, ++i, a).split(","));
                case "--wireguard-go" -> extra.add(wireguardGo(value(args, ++i, a)));
                case "--ours" -> extra.add(ours(value(args, ++i, a)));
                default -> throw new UsageException("unknown argument: " + a);
            }
        }
        int tcp = seconds != null ? seconds : quick ? 2 : 5;
        int warm = warmUp != null ? warmUp : DEFAULT_WARM_UP_SECONDS;
        return new BenchOptions(runs != null ? runs : quick ? 1 : 3, tcp, quick ? 2 : 3, 10, warm, out, paths, quick,
                List.copyOf(extra), congestionControl);
    }

    /** A name as the kernel lists them (net.ipv4.tcp_available_congestion_control); iperf3 reports one it lacks. */
    private static String congestionControl(String name) throws UsageException {
        if (!name.matches("[a-z][a-z0-9_]{0,15}")) throw new UsageException("--congestion-control: not an algorithm name: " + name);
        return name;
    }

    private static WireGuardPath wireguardGo(String spec) throws UsageException {
        String[] nv = nameValue(spec, "--wireguard-go");
        Path binary = Path.of(nv[1]);
        if (!Files.isExecutable(binary)) throw new UsageException("--wireguard-go " + nv[0] + ": not an executable file: " + nv[1]);
        return WireGuardPath.of(nv[0], rowTag(), Tunnel.Launch.wireguardGo(binary.toAbsolutePath().toString()));
    }

    private static BenchPath ours(String spec) throws UsageException {
        String[] nv = nameValue(spec, "--ours");
        List<String> prefix = new ArrayList<>(), jvm = new ArrayList<>(), device = new ArrayList<>();
        String jar = null, path = "ours";
        for (String token : nv[1].strip().split("\\s+")) {
            if (token.isEmpty()) continue;
            if (token.startsWith("path:")) path = token.substring("path:".length());
            else if (token.startsWith("jar:")) {
                Path p = Path.of(token.substring("jar:".length()));
                if (!Files.isRegularFile(p)) throw new UsageException("--ours " + nv[0] + ": no such jar: " + p);
                jar = p.toAbsolutePath().toString();
            } else if (token.startsWith("taskset:")) prefix.addAll(List.of("taskset", "-c", token.substring("taskset:".length())));
            else if (token.startsWith("-") && !token.startsWith("--")) jvm.add(token);  // -X..., -D..., -agentpath:...
            else device.add(token);
        }
        jvm.addFirst(WireGuardPath.OUR_GC);
        Tunnel.Launch launch = new Tunnel.Launch(Tunnel.Impl.OURS, jar, prefix, jvm, device);
        return switch (path) {
            case "ours" -> WireGuardPath.of(nv[0], rowTag(), launch);
            case OurVxlanPath.NAME -> new OurVxlanPath(nv[0], rowTag(), launch);
            case OurEspPath.RAW -> new OurEspPath(false, nv[0], rowTag(), launch);
            case OurEspPath.UDP -> new OurEspPath(true, nv[0], rowTag(), launch);
            default -> throw new UsageException("--ours " + nv[0] + ": path: must be ours, " + OurVxlanPath.NAME + ", "
                    + OurEspPath.RAW + " or " + OurEspPath.UDP + ", not " + path);
        };
    }

    /** A fresh namespace and interface tag for each row given on the command line, whatever its path. */
    private static String rowTag() {
        return "bx" + ROWS.incrementAndGet();
    }

    /** "NAME=VALUE" with a short name usable as a table row and a namespace tag. */
    private static String[] nameValue(String spec, String flag) throws UsageException {
        int eq = spec.indexOf('=');
        if (eq <= 0) throw new UsageException(flag + " needs NAME=VALUE: " + spec);
        String name = spec.substring(0, eq);
        if (!name.matches("[a-z0-9][a-z0-9-]{0,23}")) {
            throw new UsageException(flag + ": NAME must be 1-24 of a-z, 0-9, '-': " + name);
        }
        return new String[] {name, spec.substring(eq + 1)};
    }

    private static String value(String[] args, int i, String flag) throws UsageException {
        if (i >= args.length) throw new UsageException(flag + " needs a value");
        return args[i];
    }

    private static int number(String[] args, int i, String flag, int min, int max) throws UsageException {
        String v = value(args, i, flag);
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw new UsageException(flag + " must be " + min + ".." + max + ": " + v);
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " needs a number: " + v);
        }
    }
}
