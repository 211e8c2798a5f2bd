package dev.dataplane.demo;

import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two namespaces joined by veth, a WireGuard device in each, configured with `wg` and `ip` as an operator
 * would. The demo, the benchmark and the end-to-end tests all build on it. Closing removes everything.
 */
public final class Tunnel implements AutoCloseable {
    /** Which program runs a tunnel end. */
    public enum Impl { OURS, WIREGUARD_GO }

    /**
     * How to start one tunnel end: our device (with JVM flags and device flags, optionally under a command
     * prefix such as {@code taskset -c 0}) or a wireguard-go binary (Debian's on PATH, or any other build).
     */
    public record Launch(Impl impl, String binary, List<String> prefix, List<String> jvmFlags, List<String> deviceArgs) {
        /** For ours, {@code binary} may name another build's dataplane.jar (null: this build's). */
        public Launch {
            prefix = List.copyOf(prefix);
            jvmFlags = List.copyOf(jvmFlags);
            deviceArgs = List.copyOf(deviceArgs);
        }

        public static Launch ours(String... jvmFlags) {
            return new Launch(Impl.OURS, null, List.of(), List.of(jvmFlags), List.of());
        }

        /** {@code binary}: a path, or a name looked up on PATH ("wireguard-go" is Debian's). */
        public static Launch wireguardGo(String binary) {
            return new Launch(Impl.WIREGUARD_GO, binary, List.of(), List.of(), List.of());
        }

        static Launch of(Impl impl, String... jvmFlags) {
            return impl == Impl.OURS ? ours(jvmFlags) : wireguardGo("wireguard-go");
        }

        /** The command line of our device as interface {@code iface}, before any mode arguments (WireGuard needs none). */
        public List<String> oursCommand(String iface) {
            if (impl != Impl.OURS) throw new IllegalStateException("not our device: " + impl);
            List<String> cmd = new ArrayList<>(prefix);
            cmd.add(OurProcess.java());
            cmd.addAll(OurProcess.JVM_FLAGS);
            cmd.addAll(jvmFlags);
            cmd.addAll(List.of("-jar", binary != null ? binary : OurProcess.jar().toString(), "--iface", iface));
            cmd.addAll(deviceArgs);
            return cmd;
        }
    }

    public static final String UNDERLAY_A = "198.18.0.1";
    public static final String UNDERLAY_B = "198.18.0.2";
    public static final String INNER_A = "10.77.0.1";
    public static final String INNER_B = "10.77.0.2";
    public static final String INNER6_A = "fd00:77::1";
    public static final String INNER6_B = "fd00:77::2";
    public static final int PORT = 51820;
    private static final AtomicInteger SEQ = new AtomicInteger();

    public final Netns a;
    public final Netns b;
    public final String ifA;
    public final String ifB;
    public final String pubA;
    public final String pubB;
    private final List<Path> files = new ArrayList<>();

    private Tunnel(Netns a, Netns b, String ifA, String ifB, String pubA, String pubB) {
        this.a = a;
        this.b = b;
        this.ifA = ifA;
        this.ifB = ifB;
        this.pubA = pubA;
        this.pubB = pubB;
    }

    /** Brings up end A with {@code implA} and end B with {@code implB}; both configured, not yet handshaken. */
    public static Tunnel up(String tag, Impl implA, Impl implB, Path logDir, String... ourJvmFlags) throws IOException, InterruptedException {
        return up(tag, Launch.of(implA, ourJvmFlags), Launch.of(implB, ourJvmFlags), logDir);
    }

    /** Brings up end A as {@code a} and end B as {@code b}; both configured, not yet handshaken. */
    public static Tunnel up(String tag, Launch launchA, Launch launchB, Path logDir) throws IOException, InterruptedException {
        Netns a = Netns.create(tag + "a");
        Netns b = null;
        Tunnel t = null;
        try {
            b = Netns.create(tag + "b");
            Netns.link(a, "veth0", UNDERLAY_A + "/24", b, "veth0", UNDERLAY_B + "/24");
            a.exec("ip", "-6", "addr", "add", "fd00:18::1/64", "dev", "veth0", "nodad");
            b.exec("ip", "-6", "addr", "add", "fd00:18::2/64", "dev", "veth0", "nodad");
            String id = (ProcessHandle.current().pid() % 10000) + "n" + SEQ.incrementAndGet();
            String ifA = "dpa" + id;
            String ifB = "dpb" + id;
            startDevice(a, ifA, launchA, logDir);
            startDevice(b, ifB, launchB, logDir);
            String privA = genkey(), privB = genkey();
            t = new Tunnel(a, b, ifA, ifB, pubkey(privA), pubkey(privB));
            t.configure(a, ifA, privA, t.pubB, UNDERLAY_B, INNER_A, INNER6_A, INNER_B, INNER6_B);
            t.configure(b, ifB, privB, t.pubA, UNDERLAY_A, INNER_B, INNER6_B, INNER_A, INNER6_A);
            return t;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (t != null) t.close();
            else {
                a.close();
                if (b != null) b.close();
            }
            throw e;
        }
    }

    private void configure(Netns ns, String iface, String priv, String peerPub, String peerUnderlay,
                           String inner, String inner6, String peerInner, String peerInner6) throws IOException {
        Path key = Files.createTempFile("dp-key", ".key", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        files.add(key);
        Files.writeString(key, priv + "\n");
        ns.exec("wg", "set", iface, "listen-port", String.valueOf(PORT), "private-key", key.toString(),
                "peer", peerPub, "endpoint", peerUnderlay + ":" + PORT,
                "allowed-ips", peerInner + "/32," + peerInner6 + "/128");
        ns.exec("ip", "addr", "add", inner + "/24", "dev", iface);
        ns.exec("ip", "-6", "addr", "add", inner6 + "/64", "dev", iface, "nodad");
        ns.exec("ip", "link", "set", iface, "up");
    }

    /** Starts one WireGuard implementation as interface {@code iface} in {@code ns}; returns once its UAPI socket is up. */
    public static Process startDevice(Netns ns, String iface, Impl impl, Path logDir, String... jvmFlags) throws IOException, InterruptedException {
        return startDevice(ns, iface, Launch.of(impl, jvmFlags), logDir);
    }

    /** Starts one tunnel end as interface {@code iface} in {@code ns}; returns once its UAPI socket is up. */
    public static Process startDevice(Netns ns, String iface, Launch launch, Path logDir) throws IOException, InterruptedException {
        Impl impl = launch.impl();
        Path log = logDir.resolve(iface + ".log");
        List<String> cmd;
        Map<String, String> env = Map.of();
        if (impl == Impl.WIREGUARD_GO) {
            env = Map.of("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD", "1");
            cmd = new ArrayList<>(launch.prefix());
            cmd.addAll(List.of(launch.binary(), "-f", iface));
        } else {
            cmd = launch.oursCommand(iface);
        }
        Process p = ns.start(env, log, cmd.toArray(String[]::new));
        Path sock = Path.of("/var/run/wireguard", iface + ".sock");
        for (int i = 0; i < 300 && !Files.exists(sock); i++) {
            if (!p.isAlive()) throw new IOException(impl + " exited early: " + Files.readString(log).strip());
            Thread.sleep(50);
        }
        if (!Files.exists(sock)) throw new IOException(impl + " did not open " + sock + " within 15 s");
        return p;
    }

    static String genkey() {
        byte[] priv = dev.dataplane.crypto.X25519.generatePrivateKey();
        return Base64.getEncoder().encodeToString(priv);
    }

    static String pubkey(String priv) {
        return Base64.getEncoder().encodeToString(dev.dataplane.crypto.X25519.publicKey(Base64.getDecoder().decode(priv)));
    }

    @Override
    public void close() {
        a.close();
        b.close();
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // temp file; nothing else to do
            }
        }
        for (String iface : List.of(ifA, ifB)) {
            try {
                Files.deleteIfExists(Path.of("/var/run/wireguard", iface + ".sock"));
            } catch (IOException ignored) {
                // the owning process removes it on exit; this only catches a crash
            }
        }
    }
}
