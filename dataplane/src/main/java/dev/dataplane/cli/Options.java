package dev.dataplane.cli;

import java.util.ArrayList;
import java.util.List;

/** Parsed command-line flags. Parsing never exits the JVM: errors come back as {@link UsageException}. */
record Options(String command, String iface, String mode, int mtu, int workers, boolean foreground,
               boolean offloads, boolean ioUring, String peer, java.net.InetSocketAddress metrics, List<String> rest) {

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(String[] args) throws UsageException {
        String command = "run";
        String iface = null;
        String mode = "wireguard";
        String peer = "wireguard-go";
        int mtu = 1420;
        int workers = dev.dataplane.device.WgDevice.DEFAULT_WORKERS;
        boolean foreground = true;
        boolean offloads = true;
        boolean ioUring = false;
        java.net.InetSocketAddress metrics = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "demo", "bench" -> {
                    if (i != 0) throw new UsageException("'" + a + "' must come first");
                    command = a;
                }
                case "--iface", "-i" -> iface = value(args, ++i, a);
                case "--mode" -> mode = value(args, ++i, a);
                case "--mtu" -> mtu = intValue(args, ++i, a, 576, 9000);
                case "--workers" -> workers = intValue(args, ++i, a, 0, 64);
                case "--peer" -> peer = value(args, ++i, a);
                case "-f", "--foreground" -> foreground = true;
                case "--no-offloads" -> offloads = false;
                case "--io-uring" -> ioUring = true;
                case "--metrics" -> {
                    try {
                        metrics = dev.dataplane.metrics.MetricsServer.parse(value(args, ++i, a));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(e.getMessage());
                    }
                }
                default -> {
                    if (command.equals("bench")) {
                        rest.add(a);
                    } else {
                        throw new UsageException("unknown argument: " + a);
                    }
                }
            }
        }
        if (!mode.equals("wireguard")) throw new UsageException("unsupported --mode " + mode + " (supported: wireguard)");
        if (command.equals("run")) {
            if (iface == null) throw new UsageException("--iface NAME is required");
            validateIfaceName(iface);
        }
        if (!peer.equals("wireguard-go") && !peer.equals("ours")) {
            throw new UsageException("--peer must be wireguard-go or ours");
        }
        return new Options(command, iface, mode, mtu, workers, foreground, offloads, ioUring, peer, metrics, List.copyOf(rest));
    }

    /** Linux interface names: 1..15 bytes, no '/', no whitespace, not "." or "..". */
    static void validateIfaceName(String name) throws UsageException {
        if (name.isEmpty() || name.length() > 15) {
            throw new UsageException("interface name must be 1 to 15 characters: " + name);
        }
        if (name.equals(".") || name.equals("..") || !name.matches("[A-Za-z0-9_.\\-]+")) {
            throw new UsageException("invalid interface name: " + name);
        }
    }

    private static String value(String[] args, int i, String flag) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) throw new UsageException(flag + " needs a value");
        return args[i];
    }

    private static int intValue(String[] args, int i, String flag, int min, int max) throws UsageException {
        String v = value(args, i, flag);
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw new UsageException(flag + " must be between " + min + " and " + max);
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(flag + " needs a number, got " + v);
        }
    }
}
