package dev.dataplane.bench.e2e;

import java.nio.file.Path;
import java.util.List;

/** Flags of `dataplane bench`. {@code paths} empty means every path. */
record BenchOptions(int runs, int tcpSeconds, int udpSeconds, int pings, Path out, List<String> paths, boolean quick) {
    static final String USAGE = """
            Usage: dataplane bench [--quick] [--runs N] [--seconds S] [--out DIR] [--paths a,b,...]

              --quick        one run, 2-second transfers (a smoke test; default: 3 runs of 5 s)
              --runs N       repeat every measurement N times and report medians (default 3)
              --seconds S    length of each TCP transfer (default 5, --quick 2)
              --out DIR      where bench-<timestamp>/ goes (default: results/ under the repository)
              --paths LIST   only these paths, comma-separated: %s
            """;

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static BenchOptions parse(String[] args, Path defaultOut) throws UsageException {
        boolean quick = false;
        Integer runs = null, seconds = null;
        Path out = defaultOut;
        List<String> paths = List.of();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--runs" -> runs = number(args, ++i, a, 1, 50);
                case "--seconds" -> seconds = number(args, ++i, a, 1, 60);
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--paths" -> paths = List.of(value(args, ++i, a).split(","));
                default -> throw new UsageException("unknown argument: " + a);
            }
        }
        int tcp = seconds != null ? seconds : quick ? 2 : 5;
        return new BenchOptions(runs != null ? runs : quick ? 1 : 3, tcp, quick ? 2 : 3, 10, out, paths, quick);
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
