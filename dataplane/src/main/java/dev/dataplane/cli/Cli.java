package dev.dataplane.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;

/** Command-line front door: parses flags and dispatches to a mode. Returns the process exit status. */
public final class Cli {
    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILURE = 1;

    static final String USAGE = """
            Usage: dataplane --iface NAME [--mode wireguard] [--mtu N] [--workers N] [--metrics [ADDR:]PORT]
                   dataplane demo [--peer wireguard-go|ours]
                   dataplane bench [--quick] [--runs N]
                   dataplane --version | --help

              --iface NAME     create TUN device NAME and serve UAPI on /var/run/wireguard/NAME.sock;
                               configure it with wg(8) or wg-quick(8); runs in the foreground
              --mode MODE      wireguard (the default and, for now, the only mode)
              --mtu N          MTU of the TUN device (default 1420)
              --workers N      0 (default, on any core count): each direction runs to completion on one
                               thread, in batches, with offloads; N > 0: N crypto workers per direction
                               behind Disruptor rings, single packets (measured slower; docs/architecture.md)
              --no-offloads    plain packets on the TUN device (no IFF_VNET_HDR/TSO super-packets)
              --io-uring       TUN batches through an io_uring instead of one read/write per packet
                               (measured: docs/benchmarks.md)
              --metrics [ADDR:]PORT
                               serve Prometheus metrics on http://ADDR:PORT/metrics (default ADDR
                               127.0.0.1; names in docs/metrics.md)
              --daemon         (launcher) run in the background once the UAPI socket is up
              --version        print the version and exit
              --help           print this help and exit
            """;

    private Cli() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.print(USAGE);
                return 0;
            }
            if (a.equals("--version") || a.equals("-V")) {
                out.println("dataplane " + version());
                return 0;
            }
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (Options.UsageException e) {
            err.println("dataplane: " + e.getMessage());
            err.print(USAGE);
            return EXIT_USAGE;
        }
        try {
            return switch (options.command()) {
                case "demo" -> Demo.run(options, out, err);
                case "bench" -> {
                    err.println("dataplane: run the end-to-end benchmark through the launcher: bin/dataplane bench [--quick] [--runs N]");
                    yield EXIT_FAILURE;
                }
                default -> DeviceCommand.run(options, err);
            };
        } catch (Exception e) {
            err.println("dataplane: " + e.getMessage());
            return EXIT_FAILURE;
        }
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Cli.class.getResourceAsStream("/dataplane-version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // fall through to "unknown"
        }
        return p.getProperty("version", "unknown");
    }
}
