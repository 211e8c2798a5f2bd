package dev.dataplane.interop;

import dev.dataplane.os.Command;
import dev.dataplane.crypto.X25519;
import dev.dataplane.demo.IperfReport;
import dev.dataplane.demo.Measure;
import dev.dataplane.demo.Tunnel;
import dev.dataplane.netns.Netns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our devices against the Linux kernel's own WireGuard and vxlan, in the kernel-peer VM (Debian 6.12 under QEMU
 * TCG) on a tap device in a test namespace. Slow (well under 1 Gbit/s): these check the wire, not speed.
 */
class KernelPeerIT {
    private static Path logs;

    @BeforeAll
    static void logs() throws Exception {
        logs = Files.createTempDirectory("dp-kpeer-it");
    }

    @BeforeEach
    void root() {
        Root.require();
        KernelPeer.image();
    }

    private static String b64(byte[] k) {
        return Base64.getEncoder().encodeToString(k);
    }

    /** Ours (inline mode) ↔ kernel WireGuard: ping both ways IPv4 and IPv6, iperf3 both ways, and a rekey mid-flow. */
    @Test
    void kernelWireGuard() throws Exception {
        KernelPeer.retryIfGuestCrashed(KernelPeerIT::wireGuardExchange);
    }

    private static void wireGuardExchange() throws Exception {
        byte[] ourKey = X25519.generatePrivateKey(), guestKey = X25519.generatePrivateKey();
        String ourPub = b64(X25519.publicKey(ourKey)), guestPub = b64(X25519.publicKey(guestKey));
        try (Netns ns = Netns.create("kpwg")) {
            String iface = "kpwg" + (ProcessHandle.current().pid() % 10000);
            Tunnel.Launch ours = new Tunnel.Launch(Tunnel.Impl.OURS, null, List.of(), List.of("-Ddataplane.rekeyAfterTime=8"),
                    List.of("--workers", "0", "--threads", "lane"));
            Tunnel.startDevice(ns, iface, ours, logs);
            Path key = Files.createTempFile("kp-key", ".key", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(key, b64(ourKey) + "\n");
                ns.exec("wg", "set", iface, "listen-port", "51820", "private-key", key.toString(),
                        "peer", guestPub, "endpoint", "198.18.10.2:51820", "allowed-ips", "10.78.0.2/32,fd00:78::2/128");
            } finally {
                Files.deleteIfExists(key);
            }
            ns.exec("ip", "addr", "add", "10.78.0.1/24", "dev", iface);
            ns.exec("ip", "-6", "addr", "add", "fd00:78::1/64", "dev", iface, "nodad");
            ns.exec("ip", "link", "set", iface, "up");
            // the guest pings back only after our first packet made the handshake: ours is then the initiator,
            // which is the side that rekeys after -Ddataplane.rekeyAfterTime
            String guest = """
                    ip link add wg0 type wireguard
                    echo %s > /tmp/key
                    wg set wg0 private-key /tmp/key listen-port 51820 peer %s endpoint 198.18.10.1:51820 allowed-ips 10.78.0.1/32,fd00:78::1/128
                    ip addr add 10.78.0.2/24 dev wg0
                    ip -6 addr add fd00:78::2/64 dev wg0 nodad
                    ip link set wg0 up
                    iperf3 -s -D
                    (for i in $(seq 120); do [ "$(wg show wg0 latest-handshakes | cut -f2)" != 0 ] && break; sleep 0.5; done
                     ping -c 3 -W 5 10.78.0.1 && echo GUEST-PING4-OK
                     ping -c 2 -W 5 fd00:78::1 && echo GUEST-PING6-OK) &
                    """.formatted(b64(guestKey), ourPub);
            try (KernelPeer vm = KernelPeer.start(ns, "198.18.10.1", "198.18.10.2", guest)) {
                assertEquals(0, ns.status("ping", "-c", "2", "-W", "5", "10.78.0.2"), "ours -> kernel, IPv4 (ours initiates)");
                assertEquals(0, ns.status("ping", "-c", "2", "-W", "5", "fd00:78::2"), "ours -> kernel, IPv6");
                String console = vm.awaitConsole("GUEST-PING6-OK", 40);
                assertTrue(console.contains("GUEST-PING4-OK") && console.contains("GUEST-PING6-OK"), "kernel -> ours:\n" + console);
                double up = iperf(ns, "10.78.0.2", false), down = iperf(ns, "10.78.0.2", true);
                System.out.printf("kernel WireGuard in the VM: iperf3 ours->kernel %.3f Gbit/s, kernel->ours %.3f Gbit/s%n", up, down);
                assertTrue(up > 0 && down > 0, "TCP both ways (the emulated kernel is slow; any transfer counts): " + up + " / " + down);

                // past -Ddataplane.rekeyAfterTime=8 our next packet starts a new handshake; the emulated kernel may take
                // a while to answer, so keep a packet going once a second until the handshake time moves
                String first = ns.exec("wg", "show", iface, "latest-handshakes").strip(), second = first;
                long deadline = System.nanoTime() + 45_000_000_000L;
                while (second.equals(first) && System.nanoTime() < deadline) {
                    Thread.sleep(1000);
                    ns.status("ping", "-c", "1", "-W", "1", "10.78.0.2");
                    second = ns.exec("wg", "show", iface, "latest-handshakes").strip();
                }
                assertNotEquals(first, second, "a new handshake with the kernel after the rekey time\n" + ns.exec("wg", "show", iface));
                assertEquals(0, ns.status("ping", "-c", "3", "-W", "5", "10.78.0.2"), "traffic across the rekey");
                assertEquals(0, ns.status("ping", "-c", "2", "-W", "5", "fd00:78::2"), "traffic under the new keys");
            }
        }
    }

    /** Ours ↔ the kernel's vxlan device (flannel's VNI 1, port 8472): ping both ways IPv4 and IPv6, iperf3 both ways. */
    @Test
    void kernelVxlan() throws Exception {
        KernelPeer.retryIfGuestCrashed(KernelPeerIT::vxlanExchange);
    }

    private static void vxlanExchange() throws Exception {
        try (Netns ns = Netns.create("kpvx")) {
            String guest = """
                    ip link add vx0 type vxlan id 1 dstport 8472 local 198.18.11.2 remote 198.18.11.1 nolearning dev eth0
                    ip link set vx0 mtu 1450
                    ip addr add 10.67.0.2/24 dev vx0
                    ip -6 addr add fd00:67::2/64 dev vx0 nodad
                    ip link set vx0 up
                    iperf3 -s -D
                    """;
            try (KernelPeer vm = KernelPeer.start(ns, "198.18.11.1", "198.18.11.2", guest)) {
                OurVxlan ours = OurVxlan.start(ns, OurVxlan.uniqueName("kpvx"), logs, "--local", "198.18.11.1", "--remote", "198.18.11.2");
                ns.exec("ip", "addr", "add", "10.67.0.1/24", "dev", ours.iface);
                ns.exec("ip", "-6", "addr", "add", "fd00:67::1/64", "dev", ours.iface, "nodad");
                ns.exec("ip", "link", "set", ours.iface, "up");
                assertTrue(Measure.firstContactMs(ns, "10.67.0.2", 20_000) >= 0, "ours -> kernel, IPv4 (ARP across)");
                assertEquals(0, ns.status("ping", "-c", "2", "-W", "5", "fd00:67::2"), "ours -> kernel, IPv6");
                double up = iperf(ns, "10.67.0.2", false), down = iperf(ns, "10.67.0.2", true);
                System.out.printf("kernel vxlan in the VM: iperf3 ours->kernel %.3f Gbit/s, kernel->ours %.3f Gbit/s%n", up, down);
                assertTrue(up > 0 && down > 0, "TCP both ways (the emulated kernel is slow; any transfer counts): " + up + " / " + down);
                String show = ours.ctl("show");
                assertTrue(show.matches("(?s).*rx packets [1-9].*"), show);
            }
        }
    }

    /**
     * A short iperf3 against the guest's server; {@code reverse}: the guest sends. Tried twice: the guest's server
     * (slow under emulation) may still be closing the previous test.
     */
    static double iperf(Netns ns, String server, boolean reverse) throws Exception {
        for (int attempt = 0; attempt < 2; attempt++) {
            Command.Result r = ns.result("timeout", "40", "iperf3", "-c", server, "-t", "3", "-J", reverse ? "-R" : "-4");
            try {
                return IperfReport.parse(r.output()).gbps();
            } catch (java.io.IOException noReport) {
                Thread.sleep(2000);
            }
        }
        return -1;
    }
}
