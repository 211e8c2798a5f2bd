package dev.dataplane.cli;

import dev.dataplane.net.Printable;
import dev.dataplane.net.IpLiteral;
import dev.dataplane.encap.vxlan.VxlanHeader;
import dev.dataplane.vxlan.VxlanConfig;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Parsed command-line flags. Parsing never exits the JVM: errors come back as {@link UsageException}. */
record Options(String command, String iface, String mode, int mtu, int workers, dev.dataplane.device.Threading threads, boolean foreground,
               boolean offloads, boolean ioUring, String peer, java.net.InetSocketAddress metrics, List<String> rest,
               VxlanConfig vxlan, Esp esp) {
    static final String WIREGUARD = "wireguard", VXLAN = "vxlan", ESP = "esp";

    /** ESP mode settings: the `ip xfrm` lines to load at start (or none), and the ESP-in-UDP port. */
    record Esp(java.nio.file.Path config, int natTPort, java.nio.file.Path swanctl) {}
    static final int WIREGUARD_MTU = 1420;
    /** 1500 minus the worst case of ESP-in-UDP over IPv6 with AES-GCM: IPv6 40, UDP 8, ESP 16, trailer 2 + 3, ICV 16. */
    static final int ESP_MTU = 1400;

    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static Options parse(String[] args) throws UsageException {
        if (args.length > 0 && args[0].equals("ctl")) return parseCtl(args);
        String command = "run";
        String iface = null;
        String mode = WIREGUARD;
        String peer = "wireguard-go";
        int mtu = -1;
        int vni = VxlanConfig.DEFAULT_VNI, port = VxlanHeader.DEFAULT_PORT, ageing = VxlanConfig.DEFAULT_AGEING_SECONDS;
        InetAddress local = null;
        List<InetAddress> remotes = new ArrayList<>();
        boolean learning = false, gbp = false;
        List<String> vxlanFlags = new ArrayList<>();
        java.nio.file.Path espConfig = null, swanctl = null;
        boolean portGiven = false;
        int workers = dev.dataplane.device.WgDevice.DEFAULT_WORKERS;
        dev.dataplane.device.Threading threads = dev.dataplane.device.Threading.DEFAULT;
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
                case "--threads" -> {
                    try {
                        threads = dev.dataplane.device.Threading.parse(value(args, ++i, a));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(e.getMessage());
                    }
                }
                case "--peer" -> peer = value(args, ++i, a);
                case "-f", "--foreground" -> foreground = true;
                case "--no-offloads" -> offloads = false;
                case "--io-uring" -> ioUring = true;
                case "--vni" -> vni = intValue(args, ++i, vxlanFlag(vxlanFlags, a), 0, VxlanHeader.MAX_VNI);
                case "--port" -> {
                    port = intValue(args, ++i, a, 1, 65535);
                    portGiven = true;
                }
                case "--config" -> espConfig = java.nio.file.Path.of(value(args, ++i, a));
                case "--swanctl" -> swanctl = java.nio.file.Path.of(value(args, ++i, a));
                case "--local" -> local = address(value(args, ++i, vxlanFlag(vxlanFlags, a)), a);
                case "--remote" -> remotes.add(address(value(args, ++i, vxlanFlag(vxlanFlags, a)), a));
                case "--learning" -> learning = vxlanFlag(vxlanFlags, a) != null;
                case "--gbp" -> gbp = vxlanFlag(vxlanFlags, a) != null;
                case "--ageing" -> ageing = intValue(args, ++i, vxlanFlag(vxlanFlags, a), 1, 1_000_000);
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
        if (!mode.equals(WIREGUARD) && !mode.equals(VXLAN) && !mode.equals(ESP)) {
            throw new UsageException("unsupported --mode " + mode + " (supported: wireguard, vxlan, esp)");
        }
        if (portGiven && mode.equals(WIREGUARD)) throw new UsageException("--port is a --mode vxlan or esp flag (wg sets WireGuard's listen-port)");
        if (espConfig != null && !mode.equals(ESP)) throw new UsageException("--config is a --mode esp flag");
        if (swanctl != null && !mode.equals(ESP)) throw new UsageException("--swanctl is a --mode esp flag");
        Esp esp = null;
        if (mode.equals(ESP)) {
            if (!vxlanFlags.isEmpty()) throw new UsageException(vxlanFlags.getFirst() + " is a --mode vxlan flag");
            if (espConfig != null && !java.nio.file.Files.isReadable(espConfig)) throw new UsageException("--config " + espConfig + ": cannot read it");
            if (swanctl != null && !java.nio.file.Files.isReadable(swanctl)) throw new UsageException("--swanctl " + swanctl + ": cannot read it");
            if (swanctl != null && espConfig != null) throw new UsageException("--swanctl and --config exclude each other: IKE makes the SAs");
            if (swanctl != null && portGiven && port != 4500) throw new UsageException("--swanctl needs the NAT-T port 4500");
            esp = new Esp(espConfig, portGiven ? port : dev.dataplane.encap.esp.EspPacket.NAT_T_PORT, swanctl);
            if (mtu < 0) mtu = ESP_MTU;
        }
        VxlanConfig vxlan = null;
        if (mode.equals(VXLAN)) {
            try {
                vxlan = new VxlanConfig(vni, port, local, remotes, learning, gbp, ageing);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            if (mtu < 0) mtu = flannelMtu(local, remotes);
        } else if (!vxlanFlags.isEmpty() && !mode.equals(ESP)) {
            throw new UsageException(vxlanFlags.getFirst() + " is a --mode vxlan flag");
        }
        if (mtu < 0) mtu = WIREGUARD_MTU;
        if (command.equals("run")) {
            if (iface == null) throw new UsageException("--iface NAME is required");
            validateIfaceName(iface);
        }
        if (!peer.equals("wireguard-go") && !peer.equals("ours")) {
            throw new UsageException("--peer must be wireguard-go or ours");
        }
        return new Options(command, iface, mode, mtu, workers, threads, foreground, offloads, ioUring, peer, metrics, List.copyOf(rest), vxlan, esp);
    }

    /** `ctl NAME WORDS…`: the words go to the device's control socket as they are. */
    private static Options parseCtl(String[] args) throws UsageException {
        if (args.length < 3) throw new UsageException("usage: dataplane ctl NAME COMMAND… (for example: fdb show)");
        validateIfaceName(args[1]);
        return new Options("ctl", args[1], VXLAN, 0, 0, dev.dataplane.device.Threading.DEFAULT, true, false, false, "ours", null,
                List.of(args).subList(2, args.length), null, null);
    }

    /** flannel's vxlan MTU: a 1500-byte underlay minus the 50 bytes of VXLAN over IPv4, or 70 over IPv6. */
    static int flannelMtu(InetAddress local, List<InetAddress> remotes) {
        boolean v6 = local != null ? local.getAddress().length == 16 : !remotes.isEmpty() && remotes.getFirst().getAddress().length == 16;
        return 1500 - (v6 ? VxlanHeader.OVERHEAD_IPV6 : VxlanHeader.OVERHEAD_IPV4);
    }

    private static String vxlanFlag(List<String> seen, String flag) {
        seen.add(flag);
        return flag;
    }

    /** A literal IPv4 or IPv6 address: never a name to look up. */
    private static InetAddress address(String text, String flag) throws UsageException {
        InetAddress a = IpLiteral.parseOrNull(text);
        if (a == null) throw new UsageException(flag + " needs an IPv4 or IPv6 address, got " + Printable.of(text));
        return a;
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

    static String value(String[] args, int i, String flag) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) throw new UsageException(flag + " needs a value");
        return args[i];
    }

    static int intValue(String[] args, int i, String flag, int min, int max) throws UsageException {
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
