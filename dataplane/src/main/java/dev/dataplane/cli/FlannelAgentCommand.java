package dev.dataplane.cli;

import dev.dataplane.net.IpLiteral;
import dev.dataplane.flannel.Agent;
import dev.dataplane.flannel.Host;
import dev.dataplane.flannel.Launcher;
import dev.dataplane.flannel.NetworkConfig;
import dev.dataplane.flannel.WireGuardBackend;
import dev.dataplane.flannel.etcd.EtcdClient;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * `dataplane flannel agent --etcd-endpoints URL --public-ip ADDR …`: flanneld's wireguard backend against its
 * etcd store, with our device. Runs in the foreground until SIGINT/SIGTERM, then removes the device (the lease
 * stays, so a restart takes the same subnet) and exits 0.
 */
final class FlannelAgentCommand {
    static final String USAGE = """
            Usage: dataplane flannel agent --etcd-endpoints URL[,URL…] --public-ip ADDR [--public-ipv6 ADDR]
                             [--etcd-prefix /coreos.com/network] [--iface flannel-wg] [--device ours|kernel|auto]
                             [--subnet-file /run/flannel/subnet.env]
                             [--etcd-cafile FILE] [--etcd-certfile FILE --etcd-keyfile FILE]   (PEM; https endpoints)
            """;

    private FlannelAgentCommand() {}

    static int run(String[] args, PrintStream err) {
        List<URI> endpoints = null;
        String prefix = "/coreos.com/network", iface = "flannel-wg", device = "ours";
        InetAddress publicIp = null, publicIpv6 = null;
        Path subnetFile = Path.of("/run/flannel/subnet.env");
        Path caFile = null, certFile = null, keyFile = null;
        try {
            for (int i = 2; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : null;
                if (v == null) throw new Options.UsageException(a.startsWith("--") ? a + " needs a value" : "unknown argument: " + a);
                switch (a) {
                    case "--etcd-endpoints" -> endpoints = EtcdClient.parseEndpoints(v);
                    case "--etcd-prefix" -> prefix = v;
                    case "--iface" -> iface = v;
                    case "--device" -> device = v;
                    case "--public-ip" -> publicIp = ipv(IpLiteral.parse(v), false, a);
                    case "--public-ipv6" -> publicIpv6 = ipv(IpLiteral.parse(v), true, a);
                    case "--subnet-file" -> subnetFile = Path.of(v);
                    case "--etcd-cafile" -> caFile = Path.of(v);
                    case "--etcd-certfile" -> certFile = Path.of(v);
                    case "--etcd-keyfile" -> keyFile = Path.of(v);
                    default -> throw new Options.UsageException("unknown argument: " + a);
                }
            }
            if (endpoints == null || endpoints.isEmpty()) throw new Options.UsageException("--etcd-endpoints is required");
            if (publicIp == null && publicIpv6 == null) throw new Options.UsageException("--public-ip (or --public-ipv6) is required");
            if (!prefix.startsWith("/")) throw new Options.UsageException("--etcd-prefix must start with /");
            Options.validateIfaceName(iface);
            if (!List.of("ours", "kernel", "auto").contains(device)) throw new Options.UsageException("--device must be ours, kernel or auto");
        } catch (Options.UsageException | IllegalArgumentException e) {
            err.println("dataplane flannel agent: " + e.getMessage());
            err.print(USAGE);
            return Cli.EXIT_USAGE;
        }
        EtcdClient etcd;
        try {
            javax.net.ssl.SSLContext tls = caFile != null || certFile != null || keyFile != null
                    ? dev.dataplane.flannel.etcd.EtcdTls.context(caFile, certFile, keyFile) : null;
            etcd = new EtcdClient(endpoints, tls);
        } catch (IllegalArgumentException e) {
            err.println("dataplane flannel agent: " + e.getMessage());
            return Cli.EXIT_USAGE;
        } catch (java.io.IOException e) {
            err.println("dataplane flannel agent: " + e.getMessage());
            return Cli.EXIT_FAILURE;
        }
        String name = iface;
        WireGuardBackend.Device kind = WireGuardBackend.Device.valueOf(device.toUpperCase(java.util.Locale.ROOT));
        Map<String, String> env = System.getenv();
        Host host = new Host();
        Agent agent = new Agent(etcd, prefix, config -> device(config, host, name, kind, env), publicIp, publicIpv6, subnetFile, err);

        CountDownLatch stop = new CountDownLatch(1);
        int[] status = {0};
        Thread worker = Thread.ofPlatform().name("flannel-agent").daemon().start(() -> {
            try {
                agent.run();
            } catch (IOException | RuntimeException e) {
                err.println("dataplane flannel agent: " + e.getMessage());
                status[0] = Cli.EXIT_FAILURE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.countDown();
        });
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        agent.stop();
        worker.interrupt();
        try {
            agent.removeDevice();
        } catch (IOException e) {
            err.println("dataplane flannel agent: removing " + iface + ": " + e.getMessage());
        }
        return status[0];
    }

    /** The device as flannel's wireguard backend sets it up from the config: ListenPort, PersistentKeepaliveInterval, MTU, PSK. */
    private static WireGuardBackend device(NetworkConfig config, Host host, String iface, WireGuardBackend.Device kind, Map<String, String> env) {
        int port = (int) config.backendNumber("ListenPort", 51820);
        int keepalive = (int) config.backendNumber("PersistentKeepaliveInterval", 0);
        long mtu = config.backendNumber("MTU", 0);
        if (port < 1 || port > 65535) throw new IllegalArgumentException("Backend.ListenPort out of range: " + port);
        if (keepalive < 0 || keepalive > 65535) throw new IllegalArgumentException("Backend.PersistentKeepaliveInterval out of range");
        WireGuardBackend wg = new WireGuardBackend(host, new Launcher(host, Launcher.ofThisInstallation()), iface, port,
                mtu > 0 ? Integer.valueOf((int) mtu - 80) : null, keepalive, kind, env);
        String psk = dev.dataplane.json.Json.string(config.backend(), "PSK");
        if (!psk.isEmpty()) {
            try {
                dev.dataplane.flannel.KeyFile.checkPublicKey(psk);   // the same form: base64 of 32 bytes
                Path file = dev.dataplane.flannel.KeyFile.path(env).resolveSibling("wgpsk");
                Files.createDirectories(file.getParent());
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, psk + "\n");
                wg.presharedKey(file);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Backend.PSK is not a WireGuard key (base64 of 32 bytes)");
            }
        }
        return wg;
    }

    private static InetAddress ipv(InetAddress a, boolean v6, String flag) throws Options.UsageException {
        if ((a.getAddress().length == 16) != v6) throw new Options.UsageException(flag + " needs an IPv" + (v6 ? 6 : 4) + " address");
        return a;
    }
}
