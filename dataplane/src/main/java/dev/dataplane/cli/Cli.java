package dev.dataplane.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;

/** Command-line front door: parses flags and dispatches to a mode. Returns the process exit status. */
public final class Cli {
    static final int EXIT_USAGE = 2;

    static final String USAGE = """
            Usage: dataplane [--iface NAME] [--mode wireguard] [options]
                   dataplane demo [--peer wireguard-go|ours]
                   dataplane --version | --help

              --iface NAME     TUN device to create; its UAPI socket is /var/run/wireguard/NAME.sock
              --mode MODE      wireguard (default)
              --mtu N          MTU of the TUN device (default 1420)
              --version        print the version and exit
              --help           print this help and exit
            """;

    private Cli() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE);
            return EXIT_USAGE;
        }
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
        err.println("dataplane: unknown argument: " + args[0]);
        err.print(USAGE);
        return EXIT_USAGE;
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
