package dev.dataplane.interop;

import dev.dataplane.demo.OurProcess;
import dev.dataplane.demo.Tunnel;
import dev.dataplane.demo.Tunnel.Impl;
import dev.dataplane.netns.Netns;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sidecar process itself: flags, lifecycle, signals, the UAPI socket under good and bad input, wg-quick. */
class DeviceProcessIT {
    private static final String KEY_A = "a8dac1d8a70a751f0f699fb14ba1cff7b79cf4fbd8f09f44c6e4a90d0369604d"; // any 32 bytes
    private static final String PUB_1 = "d1b1f5d9df6d5e1d1a0f3c4f4d1e3b6b7a8f9e0d1c2b3a4958677685948372a1";
    private static final String PUB_2 = "25a3bd3e4c9a9f6cce4f0ba8d5e6d2f09e5d1b4a7c3e2f1d0c9b8a7f6e5d4c3b";

    @BeforeEach
    void root() {
        Root.require();
    }

    @Test
    void flagsVersionHelpAndBadInput() throws Exception {
        assertEquals(0, run("--version").status);
        assertTrue(run("--version").out.startsWith("dataplane "));
        Result help = run("--help");
        assertEquals(0, help.status);
        assertTrue(help.out.contains("--iface"));
        Result bad = run("--bogus");
        assertEquals(2, bad.status);
        assertTrue(bad.out.contains("unknown argument: --bogus") && bad.out.contains("Usage"));
        assertEquals(2, run("--iface", "abcdefghijklmnop").status, "16-character name");
        assertEquals(2, run("--iface", "bad/name").status);
        assertEquals(2, run("--iface").status, "missing value");
        assertEquals(2, run("--iface", "x", "--mtu", "lots").status);
        Result metrics = run("--iface", "x", "--metrics", "localhost:9586");
        assertEquals(2, metrics.status);
        assertTrue(metrics.out.contains("--metrics needs a numeric address"), metrics.out);
    }

    @Test
    void lifecycleRefusalsAndCleanShutdown() throws Exception {
        Path logs = Files.createTempDirectory("dp-life");
        try (Netns ns = Netns.create("life")) {
            String iface = WireGuardGo.uniqueIface("dpl");
            Path sock = Path.of("/var/run/wireguard", iface + ".sock");
            Process p = Tunnel.startDevice(ns, iface, Impl.OURS, logs);
            assertEquals("700", perms(sock.getParent()).substring(0, 3), "directory mode");
            assertEquals("600", perms(sock), "socket mode");
            assertEquals(0, ns.status("ip", "link", "show", iface), "TUN device exists");

            // a second instance on the same name refuses, clearly, and harms nothing
            Result again = inNs(ns, "--iface", iface);
            assertEquals(1, again.status);
            assertTrue(again.out.contains("already exists"), again.out);
            assertTrue(p.isAlive());

            // SIGTERM: exits 0 and removes device and socket (the pid is `ip netns exec`'s, which execs java)
            p.toHandle().descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertFalse(Files.exists(sock), "socket removed");
            assertTrue(ns.status("ip", "link", "show", iface) != 0, "device removed");

            // a stale socket file (no process behind it) is replaced
            Files.createDirectories(sock.getParent());
            try (var ch = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.bind(UnixDomainSocketAddress.of(sock));
            }
            assertTrue(Files.exists(sock));
            Process fresh = Tunnel.startDevice(ns, iface, Impl.OURS, logs);
            assertTrue(fresh.isAlive());
        }
    }

    @Test
    void uapiAnswersLikeWireguardGoAndSurvivesGarbage() throws Exception {
        Path logs = Files.createTempDirectory("dp-uapi");
        try (Netns ns = Netns.create("uapi")) {
            String iface = WireGuardGo.uniqueIface("dpu");
            Path sock = Path.of("/var/run/wireguard", iface + ".sock");
            Tunnel.startDevice(ns, iface, Impl.OURS, logs);

            String set = "set=1\nprivate_key=" + KEY_A + "\nlisten_port=51999\nfwmark=7\n"
                    + "public_key=" + PUB_1 + "\npreshared_key=" + KEY_A + "\nendpoint=198.18.5.5:4444\n"
                    + "persistent_keepalive_interval=0\nallowed_ip=10.1.2.3/16\nallowed_ip=fd00:1::/64\n"
                    + "public_key=" + PUB_2 + "\nendpoint=[fd00:18::9]:51820\nallowed_ip=10.3.0.0/24\n\n";
            assertEquals("errno=0\n\n", uapi(sock, set));
            String get = uapi(sock, "get=1\n\n");
            assertTrue(get.startsWith("private_key=" + KEY_A + "\nlisten_port=51999\nfwmark=7\n"), get);
            assertTrue(get.contains("public_key=" + PUB_1 + "\npreshared_key=" + KEY_A + "\nprotocol_version=1\nendpoint=198.18.5.5:4444\n"), get);
            assertTrue(get.contains("allowed_ip=10.1.0.0/16\n") && get.contains("allowed_ip=fd00:1::/64\n"), get);
            assertTrue(get.contains("endpoint=[fd00:18::9]:51820\n"), get);
            assertTrue(get.contains("last_handshake_time_sec=0\nlast_handshake_time_nsec=0\ntx_bytes=0\nrx_bytes=0\n"), get);
            assertTrue(get.endsWith("errno=0\n\n"), get);

            // wireguard-go's errno replies
            assertEquals("errno=-22\n\n", uapi(sock, "set=1\nlisten_port=abc\n\n"));
            assertEquals("errno=-22\n\n", uapi(sock, "set=1\nprivate_key=zz\n\n"));
            assertEquals("errno=-22\n\n", uapi(sock, "set=1\nno_such_key=1\n\n"));
            assertEquals("errno=-71\n\n", uapi(sock, "set=1\nnot a key value line\n\n"));
            assertEquals("errno=-22\n\n", uapi(sock, "set=1\npublic_key=" + PUB_1 + "\nallowed_ip=10.0.0.0/33\n\n"));
            assertEquals("errno=-22\n\n", uapi(sock, "set=1\npublic_key=" + PUB_1 + "\nendpoint=example.com:51820\n\n"));
            assertEquals("errno=-22\n\n", uapi(sock, "set=1\nreplace_peers=yes\n\n"));
            assertEquals("errno=-22\n\n", uapi(sock, "get=1\nx\n"));
            // not UAPI at all: the connection is closed, nothing else happens
            assertEquals("", uapi(sock, "hello there\n"));
            assertEquals("", uapi(sock, "x".repeat(100_000)));
            byte[] junk = new byte[4096];
            new java.util.Random(7).nextBytes(junk);
            uapiBytes(sock, junk);

            // the device still serves and nothing configured was lost
            assertEquals(get, uapi(sock, "get=1\n\n"));

            // update_only does not create; remove and replace_peers do what they say
            assertEquals("errno=0\n\n", uapi(sock, "set=1\npublic_key=" + KEY_A + "\nupdate_only=true\nallowed_ip=10.9.9.0/24\n\n"));
            assertFalse(uapi(sock, "get=1\n\n").contains("10.9.9.0/24"));
            assertEquals("errno=0\n\n", uapi(sock, "set=1\npublic_key=" + PUB_1 + "\nremove=true\n\n"));
            assertFalse(uapi(sock, "get=1\n\n").contains(PUB_1));
            assertEquals("errno=0\n\n", uapi(sock, "set=1\nreplace_peers=true\n\n"));
            assertFalse(uapi(sock, "get=1\n\n").contains("public_key="));

            // a port in use gives EADDRINUSE, as wireguard-go does
            Process holder = ns.start(Map.of(), null, "nc", "-u", "-l", "-p", "51777");
            Thread.sleep(300);
            assertEquals("errno=-98\n\n", uapi(sock, "set=1\nlisten_port=51777\n\n"));
            holder.destroy();

            // and wg(8) itself reads it
            String conf = ns.exec("wg", "showconf", iface);
            assertTrue(conf.contains("ListenPort = 51999") && conf.contains("FwMark = 0x7"), conf);
        }
    }

    @Test
    void aHangingUapiClientBlocksNobodyAndItsHalfRequestIsNotApplied() throws Exception {
        Path logs = Files.createTempDirectory("dp-hang");
        try (Netns ns = Netns.create("hang")) {
            String iface = WireGuardGo.uniqueIface("dph");
            Path sock = Path.of("/var/run/wireguard", iface + ".sock");
            Tunnel.startDevice(ns, iface, Impl.OURS, logs);
            assertEquals("errno=0\n\n", uapi(sock, "set=1\nlisten_port=51998\n\n"));
            String before = uapi(sock, "get=1\n\n");
            // a client starts a set and then hangs, holding its connection open
            try (SocketChannel hung = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                hung.write(java.nio.ByteBuffer.wrap(("set=1\nlisten_port=51997\nreplace_peers=true\npublic_key=" + PUB_1 + "\n")
                        .getBytes(StandardCharsets.UTF_8)));
                Thread.sleep(300);
                assertEquals(before, uapi(sock, "get=1\n\n"), "others are served while it hangs; nothing applied yet");
                assertTrue(ns.exec("wg", "show", iface).contains("listening port: 51998"), "wg(8) too");
            }
            Thread.sleep(300);
            assertEquals(before, uapi(sock, "get=1\n\n"), "a set cut off before its blank line is never applied");
        }
    }

    @Test
    void wgQuickBringsOursUpAndDown() throws Exception {
        try (Netns ns = Netns.create("wgq")) {
            String iface = WireGuardGo.uniqueIface("dpq");
            Path dir = Files.createTempDirectory("dp-wgq");
            Path conf = dir.resolve(iface + ".conf");
            String priv = java.util.Base64.getEncoder().encodeToString(dev.dataplane.crypto.X25519.generatePrivateKey());
            String peer = java.util.Base64.getEncoder().encodeToString(
                    dev.dataplane.crypto.X25519.publicKey(dev.dataplane.crypto.X25519.generatePrivateKey()));
            Files.writeString(conf, """
                    [Interface]
                    PrivateKey = %s
                    ListenPort = 51888
                    Address = 10.66.0.1/24

                    [Peer]
                    PublicKey = %s
                    Endpoint = 198.18.9.9:51820
                    AllowedIPs = 10.66.0.2/32
                    PersistentKeepalive = 25
                    """.formatted(priv, peer));
            Path shim = Path.of(OurProcess.jar().getParent().getParent().getParent().toString(), "bin", "dataplane-userspace");
            Map<String, String> env = Map.of("WG_QUICK_USERSPACE_IMPLEMENTATION", shim.toString(),
                    "DATAPLANE_LOG", dir.resolve("dp.log").toString());
            try {
                ns.start(env, dir.resolve("wg-quick.log"), "wg-quick", "up", conf.toString()).waitFor(60, TimeUnit.SECONDS);
                String show = ns.exec("wg", "show", iface);
                assertTrue(show.contains("listening port: 51888") && show.contains("persistent keepalive: every 25 seconds"),
                        show + Files.readString(dir.resolve("wg-quick.log")));
                assertTrue(ns.exec("ip", "addr", "show", iface).contains("10.66.0.1/24"));
                String route = ns.exec("ip", "route", "get", "10.66.0.2");
                assertTrue(route.contains("dev " + iface), "allowed IPs are routed into the device: " + route);
            } finally {
                ns.start(env, dir.resolve("wg-quick.log"), "wg-quick", "down", conf.toString()).waitFor(30, TimeUnit.SECONDS);
            }
            Path sock = Path.of("/var/run/wireguard", iface + ".sock");
            for (int i = 0; i < 50 && Files.exists(sock); i++) Thread.sleep(100);
            assertFalse(Files.exists(sock), "wg-quick down (deleting the link) stops our process");
        }
    }

    private static String perms(Path p) throws IOException {
        String s = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        int v = 0;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 9; i += 3) {
            v = (s.charAt(i) == 'r' ? 4 : 0) + (s.charAt(i + 1) == 'w' ? 2 : 0) + (s.charAt(i + 2) == 'x' ? 1 : 0);
            out.append(v);
        }
        return out.toString();
    }

    static String uapi(Path sock, String request) throws IOException {
        return new String(uapiBytes(sock, request.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    static byte[] uapiBytes(Path sock, byte[] request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            OutputStream out = Channels.newOutputStream(ch);
            try {
                out.write(request);
                out.flush();
            } catch (IOException closedEarly) {
                return new byte[0];
            }
            ch.shutdownOutput();
            InputStream in = Channels.newInputStream(ch);
            try {
                return in.readAllBytes();
            } catch (IOException reset) {
                return new byte[0];
            }
        }
    }

    record Result(int status, String out) {}

    /** Flag handling, started as bin/dataplane starts it for anything but a device: without the Vector API. */
    static Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(OurProcess.java(), "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(List.of("-jar", OurProcess.jar().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    static Result inNs(Netns ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns.name(), OurProcess.java()));
        cmd.addAll(OurProcess.JVM_FLAGS);
        cmd.addAll(List.of("-jar", OurProcess.jar().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }
}
