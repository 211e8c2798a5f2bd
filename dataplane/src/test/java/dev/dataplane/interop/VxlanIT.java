package dev.dataplane.interop;

import dev.dataplane.os.Command;
import dev.dataplane.demo.Measure;
import dev.dataplane.netns.Netns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our VXLAN mode against the Linux vxlan device, each in its own namespace: the `remote` form, flannel's
 * `nolearning` + static FDB/neighbour/route layout on three nodes, flooding to several VTEPs, learning and ageing.
 *
 * <p>The kernel's vxlan devices get `ethtool -K … tx off`: between namespaces on one host a kernel-encapsulated
 * packet keeps its inner TCP/UDP checksum unfinished (CHECKSUM_PARTIAL crosses the veth), which a userspace
 * receiver sees as a bad checksum. A NIC would have filled it in; so does the kernel with the offload off.
 */
class VxlanIT {
    private static Path logs;

    @BeforeAll
    static void logs() throws Exception {
        logs = Files.createTempDirectory("dp-vxlan-it");
    }

    @BeforeEach
    void root() {
        Root.require();
    }

    /** Two namespaces on a veth pair, IPv4 198.18.7.1/.2 and IPv6 fd00:187::1/::2 underlay addresses. */
    private record Pair(Netns a, Netns b) implements AutoCloseable {
        static Pair create(String tag) throws Exception {
            Netns a = Netns.create(tag + "a");
            Netns b;
            try {
                b = Netns.create(tag + "b");
            } catch (Exception e) {
                a.close();
                throw e;
            }
            Pair p = new Pair(a, b);
            try {
                Netns.link(a, "veth0", "198.18.7.1/24", b, "veth0", "198.18.7.2/24");
                a.exec("ip", "-6", "addr", "add", "fd00:187::1/64", "dev", "veth0", "nodad");
                b.exec("ip", "-6", "addr", "add", "fd00:187::2/64", "dev", "veth0", "nodad");
                return p;
            } catch (Exception e) {
                p.close();
                throw e;
            }
        }

        @Override
        public void close() {
            a.close();
            b.close();
        }
    }

    /** Node {@code i}: a namespace whose eth0 ({@code address}/24) is a port of the bridge in {@code sw}. */
    private static Netns node(Netns sw, String tag, int i, String address) throws Exception {
        Netns n = Netns.create(tag + i);
        try {
            Netns.run(List.of("ip", "link", "add", "eth0", "netns", n.name(), "type", "veth", "peer", "name", "p" + i, "netns", sw.name()));
            sw.exec("ip", "link", "set", "p" + i, "master", "br0");
            sw.exec("ip", "link", "set", "p" + i, "up");
            n.exec("ip", "addr", "add", address + "/24", "dev", "eth0");
            n.exec("ip", "link", "set", "eth0", "up");
            return n;
        } catch (Exception e) {
            n.close();
            throw e;
        }
    }

    private static void kernelVxlan(Netns ns, String dev, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "link", "add", dev, "type", "vxlan", "id", "1", "dstport", "8472"));
        cmd.addAll(List.of(args));
        ns.exec(cmd.toArray(String[]::new));
        ns.exec("ethtool", "-K", dev, "tx", "off");
    }

    private static void inner(Netns ns, String dev, String v4, String v6, int mtu) throws Exception {
        ns.exec("ip", "link", "set", dev, "mtu", String.valueOf(mtu));
        ns.exec("ip", "addr", "add", v4, "dev", dev);
        ns.exec("ip", "-6", "addr", "add", v6, "dev", dev, "nodad");
        ns.exec("ip", "link", "set", dev, "up");
    }

    @ParameterizedTest(name = "{0} underlay, threads {1}")
    @CsvSource({"IPv4,lane", "IPv6,lane", "IPv4,split"})
    void kernelVxlanPeer(String underlay, String threads) throws Exception {
        boolean v6 = underlay.equals("IPv6");
        String ua = v6 ? "fd00:187::1" : "198.18.7.1", ub = v6 ? "fd00:187::2" : "198.18.7.2";
        int mtu = v6 ? 1430 : 1450;
        try (Pair p = Pair.create("vxk")) {
            kernelVxlan(p.a, "vxk0", "local", ua, "remote", ub, "nolearning");
            inner(p.a, "vxk0", "10.66.0.1/24", "fd00:66::1/64", mtu);
            String name = OurVxlan.uniqueName("vxo");
            OurVxlan ours = OurVxlan.start(p.b, name, logs, "--local", ub, "--remote", ua, "--threads", threads);
            inner(p.b, name, "10.66.0.2/24", "fd00:66::2/64", mtu);

            assertTrue(Measure.firstContactMs(p.a, "10.66.0.2", 10_000) >= 0, "kernel -> ours, IPv4 inner");
            assertTrue(Files.readString(logs.resolve(name + ".log")).contains("threads " + threads), "ours runs threads " + threads);
            String neigh = p.a.exec("ip", "neigh", "show", "10.66.0.2", "dev", "vxk0");
            assertTrue(neigh.contains(ours.mac()), "ARP across the tunnel resolved our TAP's MAC: " + neigh);
            assertEquals(0, p.b.status("ping", "-c", "2", "-W", "2", "10.66.0.1"), "ours -> kernel, IPv4 inner");
            assertEquals(0, p.a.status("ping", "-c", "2", "-W", "2", "fd00:66::2"), "kernel -> ours, IPv6 inner");
            assertEquals(0, p.b.status("ping", "-c", "2", "-W", "2", "-s", "1300", "fd00:66::1"), "ours -> kernel, IPv6, large");

            Measure.Transfer ab = Measure.iperfBytes(p.a, p.b, "10.66.0.2", 32 << 20, 120);
            Measure.Transfer ba = Measure.iperfBytes(p.b, p.a, "10.66.0.1", 32 << 20, 120);
            System.out.printf("vxlan %s underlay, threads %s: iperf3 32 MB kernel->ours at %.2f Gbit/s, ours->kernel at %.2f Gbit/s%n", underlay, threads,
                    ab.gbps(), ba.gbps());
            assertTrue(ab.delivered(32 << 20), "kernel -> ours: " + ab);
            assertTrue(ba.delivered(32 << 20), "ours -> kernel: " + ba);
            String show = ours.ctl("show");
            assertTrue(show.matches("(?s).*rx packets [1-9].*tx packets [1-9].*"), show);
        }
    }

    /**
     * flannel's vxlan backend, three nodes (one kernel, two ours): per remote node a route to its pod subnet via
     * its .0 address onlink, a permanent neighbour for that address with its VTEP MAC, and an FDB entry sending
     * that MAC to its public address. Pods (addresses on the cni0 bridge) ping each other across every pair.
     */
    @Test
    void flannelLayoutThreeNodes() throws Exception {
        Netns sw = Netns.create("vxfs");
        List<Netns> nodes = new ArrayList<>();
        try {
            sw.exec("ip", "link", "add", "br0", "type", "bridge");
            sw.exec("ip", "link", "set", "br0", "up");
            String[] devs = new String[3], macs = new String[3];
            for (int i = 0; i < 3; i++) {
                Netns n = node(sw, "vxf", i, "198.18.8." + (i + 1));
                nodes.add(n);
                if (i == 0) {
                    devs[i] = "flannel.1";
                    kernelVxlan(n, devs[i], "local", "198.18.8.1", "dev", "eth0", "nolearning");
                } else {
                    devs[i] = OurVxlan.uniqueName("fl");
                    OurVxlan.start(n, devs[i], logs, "--local", "198.18.8." + (i + 1));
                }
                n.exec("ip", "link", "set", devs[i], "mtu", "1450");
                n.exec("ip", "addr", "add", "10.244." + i + ".0/32", "dev", devs[i]);
                n.exec("ip", "link", "set", devs[i], "up");
                n.exec("ip", "link", "add", "cni0", "type", "bridge");   // flannel's pod bridge, without pods
                n.exec("ip", "addr", "add", "10.244." + i + ".1/24", "dev", "cni0");
                n.exec("ip", "link", "set", "cni0", "up");
                macs[i] = n.exec("cat", "/sys/class/net/" + devs[i] + "/address").strip();
            }
            for (int i = 0; i < 3; i++) {
                Netns n = nodes.get(i);
                for (int j = 0; j < 3; j++) {
                    if (i == j) continue;
                    n.exec("ip", "route", "add", "10.244." + j + ".0/24", "via", "10.244." + j + ".0", "dev", devs[i], "onlink");
                    n.exec("ip", "neigh", "replace", "10.244." + j + ".0", "lladdr", macs[j], "dev", devs[i], "nud", "permanent");
                    if (i == 0) {
                        n.exec("bridge", "fdb", "append", macs[j], "dev", devs[i], "dst", "198.18.8." + (j + 1));
                    } else {
                        n.exec(ctl(devs[i], "fdb", "add", macs[j], "dst", "198.18.8." + (j + 1)));
                    }
                }
            }
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    if (i == j) continue;
                    int status = nodes.get(i).status("ping", "-c", "2", "-W", "3", "-I", "10.244." + i + ".1", "10.244." + j + ".1");
                    assertEquals(0, status, "pod on node " + i + " -> pod on node " + j);
                }
            }
            String fdb = nodes.get(1).exec(ctl(devs[1], "fdb", "show"));
            assertTrue(fdb.contains(macs[0] + " dev " + devs[1] + " dst 198.18.8.1 self permanent"), fdb);
            assertTrue(fdb.contains(macs[2] + " dev " + devs[1] + " dst 198.18.8.3 self permanent"), fdb);
        } finally {
            for (Netns n : nodes) n.close();
            sw.close();
        }
    }

    private static String[] ctl(String iface, String... words) {
        return OurMode.ctl(iface, words);
    }

    /**
     * Ours floods broadcast and unknown frames to every VTEP of its all-zero entry (two kernel nodes), learns the
     * MACs that answer (`--learning`), and ages them out (`--ageing 2`); without learning nothing is learned.
     */
    @Test
    void floodsLearnsAndAges() throws Exception {
        Netns sw = Netns.create("vxls");
        List<Netns> nodes = new ArrayList<>();
        try {
            sw.exec("ip", "link", "add", "br0", "type", "bridge");
            sw.exec("ip", "link", "set", "br0", "up");
            OurVxlan ours = null;
            for (int i = 0; i < 3; i++) {
                Netns n = node(sw, "vxl", i, "198.18.9." + (i + 1));
                nodes.add(n);
                if (i == 1) {
                    ours = OurVxlan.start(n, OurVxlan.uniqueName("vxl"), logs, "--local", "198.18.9.2", "--learning", "--ageing", "2");
                    ours.ctl("fdb", "append", "00:00:00:00:00:00", "dst", "198.18.9.1");
                    ours.ctl("fdb", "append", "00:00:00:00:00:00", "dst", "198.18.9.3");
                    inner(n, ours.iface, "10.66.1.2/24", "fd00:661::2/64", 1450);
                } else {
                    kernelVxlan(n, "vx0", "local", "198.18.9." + (i + 1), "remote", "198.18.9.2");
                    inner(n, "vx0", "10.66.1." + (i + 1) + "/24", "fd00:661::" + (i + 1) + "/64", 1450);
                }
            }
            String flood = ours.ctl("fdb", "show");
            assertTrue(flood.contains("00:00:00:00:00:00 dev " + ours.iface + " dst 198.18.9.1 self permanent")
                    && flood.contains("00:00:00:00:00:00 dev " + ours.iface + " dst 198.18.9.3 self permanent"), flood);
            assertEquals(0, ours.ns.status("ping", "-c", "2", "-W", "3", "10.66.1.1"), "ARP flooded to both, node 1 answered");
            assertEquals(0, ours.ns.status("ping", "-c", "2", "-W", "3", "10.66.1.3"), "ARP flooded to both, node 3 answered");
            String mac1 = nodes.get(0).exec("cat", "/sys/class/net/vx0/address").strip();
            String mac3 = nodes.get(2).exec("cat", "/sys/class/net/vx0/address").strip();
            String learned = ours.ctl("fdb", "show", "dynamic");
            assertTrue(learned.contains(mac1 + " dev " + ours.iface + " dst 198.18.9.1 self\n"), "learned node 1: " + learned);
            assertTrue(learned.contains(mac3 + " dev " + ours.iface + " dst 198.18.9.3 self\n"), "learned node 3: " + learned);

            long deadline = System.nanoTime() + 10_000_000_000L;
            String left = learned;
            while (System.nanoTime() < deadline && !(left = ours.ctl("fdb", "show", "dynamic")).isBlank()) Thread.sleep(500);
            assertTrue(left.isBlank(), "learned entries age out after 2 s without traffic: " + left);
            assertFalse(ours.ctl("fdb", "show").isBlank(), "configured entries never age");
        } finally {
            for (Netns n : nodes) n.close();
            sw.close();
        }
    }

    /** Bad commands are refused with the reason and change nothing; the device keeps serving. */
    @Test
    void ctlRefusesBadCommands() throws Exception {
        try (Pair p = Pair.create("vxc")) {
            OurVxlan ours = OurVxlan.start(p.b, OurVxlan.uniqueName("vxc"), logs, "--local", "198.18.7.2");
            ours.ctl("fdb", "add", "0a:1b:2c:3d:4e:5f", "dst", "198.18.7.1");
            assertRefused(ours, "entry exists", "fdb", "add", "0a:1b:2c:3d:4e:5f", "dst", "198.18.7.1");
            assertRefused(ours, "not a MAC address", "fdb", "add", "0a:1b:2c:3d:4e", "dst", "198.18.7.1");
            assertRefused(ours, "missing dst", "fdb", "add", "0a:1b:2c:3d:4e:60");
            assertRefused(ours, "not of the local address", "fdb", "add", "0a:1b:2c:3d:4e:60", "dst", "fd00:187::1");
            assertRefused(ours, "port must be", "fdb", "add", "0a:1b:2c:3d:4e:60", "dst", "198.18.7.1", "port", "70000");
            assertRefused(ours, "no entry", "fdb", "del", "0a:1b:2c:3d:4e:61");
            assertRefused(ours, "unknown command", "frobnicate");
            assertEquals("0a:1b:2c:3d:4e:5f dev " + ours.iface + " dst 198.18.7.1 self permanent\n", ours.ctl("fdb", "show"));
            ours.ctl("fdb", "del", "0a:1b:2c:3d:4e:5f");
            assertEquals("", ours.ctl("fdb", "show"));
            assertTrue(ours.process.isAlive());
        }
    }

    private static void assertRefused(OurVxlan ours, String why, String... words) throws Exception {
        Command.Result r = ours.ctlStatus(words);
        assertEquals(1, r.status(), String.join(" ", words) + ": " + r.output());
        assertTrue(r.output().contains(why), String.join(" ", words) + " should say \"" + why + "\": " + r.output());
    }
}
