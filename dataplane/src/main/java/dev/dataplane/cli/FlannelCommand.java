package dev.dataplane.cli;

import dev.dataplane.flannel.ExtensionBackend;
import dev.dataplane.flannel.FlannelEnv;
import dev.dataplane.flannel.Host;
import dev.dataplane.flannel.Launcher;
import dev.dataplane.flannel.VxlanBackend;
import dev.dataplane.flannel.WireGuardBackend;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * `dataplane flannel pre-startup|post-startup|subnet-add|subnet-remove|shutdown [flags]`: the commands of a
 * flannel extension-backend net-conf (deploy/flannel/). Each is one executable with plain arguments, so it
 * runs the same under flannel's old `sh -c` runner and its current shell-less one. Only pre-startup prints
 * to stdout (its output is the lease's BackendData); errors go to stderr with exit status 1.
 */
final class FlannelCommand {
    static final String USAGE = """
            Usage: dataplane flannel pre-startup|post-startup|subnet-add|subnet-remove|shutdown
                             [--mode wireguard|vxlan] [--iface NAME] [--port N] [--mtu N]
                             [--keepalive SECONDS] [--device ours|kernel|auto] [--vni N]
              --mode        wireguard (default; device flannel-wg, port 51820) or vxlan (flannel.1, VNI 1, port 8472)
              --device      wireguard: ours (default), kernel, or auto: the kernel's when its module loads,
                            else $WG_QUICK_USERSPACE_IMPLEMENTATION when set, else ours (a mixed cluster)
              --mtu N       device MTU (default: wireguard, the underlay's minus 80; vxlan, 1450)
              --keepalive S wireguard: persistent keepalive toward every peer (default off)
            Environment (set by flannel): NETWORK SUBNET IPV6SUBNET PUBLIC_IP PUBLIC_IPV6; WIREGUARD_KEY_FILE
            (default /run/flannel/wgkey). subnet-add and subnet-remove read the remote's BackendData on stdin.
            """;
    /** BackendData is a key or a MAC: anything much longer on stdin is not flannel talking. */
    private static final int MAX_STDIN = 64 * 1024;

    private FlannelCommand() {}

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (java.util.Arrays.asList(args).contains("--help")) {
            out.print(USAGE + FlannelAgentCommand.USAGE);
            return 0;
        }
        if (args.length > 1 && args[1].equals("agent")) return FlannelAgentCommand.run(args, err);
        String step;
        ExtensionBackend backend;
        try {
            if (args.length < 2) throw new Options.UsageException("which step? pre-startup, post-startup, subnet-add, subnet-remove or shutdown");
            step = args[1];
            if (!java.util.Set.of("pre-startup", "post-startup", "subnet-add", "subnet-remove", "shutdown").contains(step)) {
                throw new Options.UsageException("unknown step: " + step);
            }
            backend = backend(args, System.getenv());
        } catch (Options.UsageException e) {
            err.println("dataplane flannel: " + e.getMessage());
            err.print(USAGE);
            return Cli.EXIT_USAGE;
        }
        try {
            FlannelEnv env = FlannelEnv.from(System.getenv());
            switch (step) {
                case "pre-startup" -> out.println(backend.preStartup(env));
                case "post-startup" -> backend.postStartup(env);
                case "subnet-add" -> backend.subnetAdd(env, stdin(in));
                case "subnet-remove" -> backend.subnetRemove(env, stdin(in));
                default -> backend.shutdown();
            }
            out.flush();
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("dataplane flannel " + step + ": " + e.getMessage());
            return Cli.EXIT_FAILURE;
        }
    }

    private static ExtensionBackend backend(String[] args, Map<String, String> env) throws Options.UsageException {
        String mode = "wireguard", iface = null, device = "ours";
        Integer port = null, mtu = null;
        int keepalive = 0, vni = 1;
        for (int i = 2; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--mode" -> mode = Options.value(args, ++i, a);
                case "--iface" -> iface = Options.value(args, ++i, a);
                case "--port" -> port = Options.intValue(args, ++i, a, 1, 65535);
                case "--mtu" -> mtu = Options.intValue(args, ++i, a, 1280, 9000);
                case "--keepalive" -> keepalive = Options.intValue(args, ++i, a, 0, 65535);
                case "--device" -> device = Options.value(args, ++i, a);
                case "--vni" -> vni = Options.intValue(args, ++i, a, 0, dev.dataplane.encap.vxlan.VxlanHeader.MAX_VNI);
                default -> throw new Options.UsageException("unknown argument: " + a);
            }
        }
        Host host = new Host();
        Launcher launcher = new Launcher(host, Launcher.ofThisInstallation());
        switch (mode) {
            case "wireguard" -> {
                WireGuardBackend.Device d = switch (device) {
                    case "ours" -> WireGuardBackend.Device.OURS;
                    case "kernel" -> WireGuardBackend.Device.KERNEL;
                    case "auto" -> WireGuardBackend.Device.AUTO;
                    default -> throw new Options.UsageException("--device must be ours, kernel or auto");
                };
                if (iface == null) iface = "flannel-wg";
                Options.validateIfaceName(iface);
                return new WireGuardBackend(host, launcher, iface, port == null ? 51820 : port, mtu, keepalive, d, env);
            }
            case "vxlan" -> {
                if (!device.equals("ours")) throw new Options.UsageException("--device is a --mode wireguard flag");
                if (keepalive != 0) throw new Options.UsageException("--keepalive is a --mode wireguard flag");
                if (iface == null) iface = "flannel.1";
                Options.validateIfaceName(iface);
                return new VxlanBackend(host, launcher, iface, vni, port == null ? 8472 : port, mtu);
            }
            default -> throw new Options.UsageException("unsupported --mode " + mode + " (supported: wireguard, vxlan)");
        }
    }

    private static String stdin(InputStream in) throws IOException {
        byte[] data = in.readNBytes(MAX_STDIN + 1);
        if (data.length > MAX_STDIN) throw new IOException("more than " + MAX_STDIN + " bytes of BackendData on stdin");
        return new String(data, StandardCharsets.UTF_8);
    }
}
