package dev.dataplane.interop;

import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * wireguard-go (the Debian package) running in a test namespace and configured only with `wg` and `ip`,
 * exactly as an operator would. Names are unique per JVM and call, because /var/run/wireguard is shared
 * by every namespace.
 */
public final class WireGuardGo implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();

    public final Netns ns;
    public final String iface;
    public final String privateKey;
    public final String publicKey;
    private final Path keyFile;
    private final Process process;

    private WireGuardGo(Netns ns, String iface, String privateKey, String publicKey, Path keyFile, Process process) {
        this.ns = ns;
        this.iface = iface;
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyFile = keyFile;
        this.process = process;
    }

    public static String uniqueIface(String prefix) {
        return prefix + (ProcessHandle.current().pid() % 100000) + "x" + SEQ.incrementAndGet();
    }

    /** Starts wireguard-go in the foreground inside {@code ns} and waits for its UAPI socket. */
    public static WireGuardGo start(Netns ns) throws IOException, InterruptedException {
        String iface = uniqueIface("wgo");
        Path log = Files.createTempFile("wireguard-go-" + iface, ".log");
        Process p = ns.start(Map.of("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD", "1", "LOG_LEVEL", "debug"),
                log, "wireguard-go", "-f", iface);
        Path sock = Path.of("/var/run/wireguard", iface + ".sock");
        for (int i = 0; i < 100 && !Files.exists(sock); i++) {
            if (!p.isAlive()) throw new IOException("wireguard-go exited: " + Files.readString(log));
            Thread.sleep(50);
        }
        if (!Files.exists(sock)) throw new IOException("wireguard-go did not create " + sock);
        String priv = Netns.run(java.util.List.of("wg", "genkey")).strip();
        String pub = pubkey(priv);
        Path keyFile = Files.createTempFile("wgkey", ".key", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, priv + "\n");
        ns.exec("wg", "set", iface, "private-key", keyFile.toString());
        return new WireGuardGo(ns, iface, priv, pub, keyFile, p);
    }

    public static String pubkey(String privateKeyBase64) throws IOException {
        Process p = new ProcessBuilder("wg", "pubkey").redirectErrorStream(true).start();
        p.getOutputStream().write((privateKeyBase64 + "\n").getBytes());
        p.getOutputStream().close();
        return new String(p.getInputStream().readAllBytes()).strip();
    }

    /** `wg ARGS...` inside the namespace. */
    public String wg(String... args) throws IOException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "wg";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return ns.exec(cmd);
    }

    /** Gives the interface an inner address and brings it up. */
    public void up(String... addresses) throws IOException {
        for (String a : addresses) ns.exec("ip", "addr", "add", a, "dev", iface);
        ns.exec("ip", "link", "set", iface, "up");
    }

    /** rx bytes wireguard-go counts for the peer, from `wg show IFACE transfer`. */
    public long rxBytes(String peerPublicKey) throws IOException {
        for (String line : wg("show", iface, "transfer").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[0].equals(peerPublicKey)) return Long.parseLong(f[1]);
        }
        return -1;
    }

    /** Seconds since the epoch of the latest handshake with the peer (0 = none). */
    public long latestHandshake(String peerPublicKey) throws IOException {
        for (String line : wg("show", iface, "latest-handshakes").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(peerPublicKey)) return Long.parseLong(f[1]);
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (process.isAlive()) process.destroyForcibly();
        Files.deleteIfExists(keyFile);
        Files.deleteIfExists(Path.of("/var/run/wireguard", iface + ".sock"));
    }
}
