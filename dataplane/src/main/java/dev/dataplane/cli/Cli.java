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
            Usage: dataplane --iface NAME [--mode wireguard] [--mtu N] [--workers N] [--threads lane|split]
                             [--metrics [ADDR:]PORT]
                   dataplane --iface NAME --mode vxlan [--vni 1] [--port 8472] [--local ADDR] [--remote ADDR]
                             [--mtu N] [--learning] [--ageing SECONDS] [--gbp] [--metrics [ADDR:]PORT]
                   dataplane --iface NAME --mode esp [--config FILE | --swanctl FILE] [--port 4500] [--mtu N]
                   dataplane ctl NAME fdb add|append|replace|del|show|flush … | xfrm state|policy … | ike … | show
                   dataplane flannel pre-startup|post-startup|subnet-add|subnet-remove|shutdown [--mode wireguard|vxlan] …
                   dataplane demo [--peer wireguard-go|ours]
                   dataplane bench [--quick] [--runs N]
                   dataplane --version | --help

              --iface NAME     create TUN device NAME and serve UAPI on /var/run/wireguard/NAME.sock;
                               configure it with wg(8) or wg-quick(8); runs in the foreground
              --mode MODE      wireguard (the default), vxlan or esp
              --mtu N          MTU of the device (default 1420; vxlan: 1450, 1430 over an IPv6 underlay; esp: 1400)
              --workers N      0 (default, on any core count): each direction runs to completion on one
                               thread, in batches, with offloads; N > 0: N crypto workers per direction
                               behind Disruptor rings, single packets (measured slower; docs/architecture.md)
              --threads T      lane: both directions on one thread; split: one thread per direction
                               (default: split, on any core count and in every mode; docs/architecture.md)
              --no-offloads    plain packets on the TUN device (no IFF_VNET_HDR/TSO super-packets)
              --io-uring       TUN batches through an io_uring instead of one read/write per packet
                               (measured: docs/benchmarks.md)
              --metrics [ADDR:]PORT
                               serve Prometheus metrics on http://ADDR:PORT/metrics (default ADDR
                               127.0.0.1; names in docs/metrics.md)
            vxlan (flannel's defaults; like `ip link add NAME type vxlan id 1 dstport 8472 nolearning`):
              --vni N          VXLAN network identifier (default 1)
              --port N         UDP port, local and remote (default 8472, flannel's and Linux's)
              --local ADDR     source address; the socket binds to it (default: every address)
              --remote ADDR    a VTEP for broadcast and unknown frames (an all-zero FDB entry); repeatable
              --learning       learn source MACs of received frames
              --ageing SECONDS learned entries go after this long without a frame (default 300)
              --gbp            accept the Group Based Policy extension (its D bit stops learning)
            esp (IPsec tunnel mode, like the kernel's XFRM; docs/esp.md):
              --config FILE    `ip xfrm` lines without the leading `ip xfrm` (state add …, policy add …)
              --swanctl FILE   IKEv2 instead: connections and secrets in swanctl.conf syntax (docs/esp.md);
                               ctl NAME ike list | ike initiate|terminate|rekey NAME
              --port N         the ESP-in-UDP (NAT-T) port of encap espinudp SAs (default 4500)
              ctl NAME …       change a running device: vxlan's forwarding database, like bridge fdb,
                               or esp's SAs and policies (ctl NAME xfrm state add …, xfrm policy list);
                               ctl NAME fdb add 0a:1b:2c:3d:4e:5f dst 198.18.0.2 [port N] [vni N]
              --daemon         (launcher) run in the background once the UAPI socket is up
              --version        print the version and exit
              --help           print this help and exit
            """;

    private Cli() {}

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("flannel")) return FlannelCommand.run(args, System.in, out, err);
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
                case "ctl" -> CtlCommand.run(options, out, err);
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
