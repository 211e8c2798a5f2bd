package dev.dataplane.interop;

import dev.dataplane.demo.OurProcess;
import dev.dataplane.netns.Netns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The net-conf files in deploy/flannel, run as flannel's extension backend runs them (both runners), on three
 * nodes in namespaces joined by a bridge: pods (addresses on a cni0 bridge) ping each other across nodes over
 * IPv4 and IPv6; nodes leave, come back and restart. The other side is real: wireguard-go started as wg-quick
 * would start it, and the kernel's vxlan device.
 */
@Timeout(600)
class FlannelExtensionIT {
    private static final Path REPO = OurProcess.jar().toAbsolutePath().getParent().getParent().getParent();
    private static final Path DEPLOY = REPO.resolve("deploy/flannel");

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private Netns sw;
    private Path dir;
    private Path bin;

    /** A node as flannel's extension backend sees it: the runner it uses, its net-conf's commands and its lease. */
    final class Node extends FlannelNode {
        final FlannelExtension.Runner runner;
        final FlannelExtension.Commands commands;
        final boolean ipv6;
        String backendData;

        Node(int id, FlannelExtension.Runner runner, FlannelExtension.Commands commands, boolean ipv6) throws IOException {
            super(id, sw, dir, bin);
            this.runner = runner;
            this.commands = commands;
            this.ipv6 = ipv6;
            try {
                addPod(pod(false));
                addPod(pod(true));
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        String pod(boolean v6) {
            return v6 ? "fd00:42:0:" + id + "::5" : "10.42." + id + ".5";
        }

        /** This node's lease as flannel hands it to commands: its subnets and public addresses. */
        Map<String, String> lease() {
            Map<String, String> v = new HashMap<>();
            v.put("SUBNET", "10.42." + id + ".0/24");
            v.put("IPV6SUBNET", ipv6 ? "fd00:42:0:" + id + "::/64" : "");
            v.put("PUBLIC_IP", publicIp());
            v.put("PUBLIC_IPV6", ipv6 ? publicIpv6() : "");
            return v;
        }

        FlannelExtension.Result step(String command, Map<String, String> vars, String stdin) throws IOException {
            FlannelExtension.Result r = FlannelExtension.run(runner, ns, run, flanneldEnv, command, vars, stdin);
            if (r.status() != 0) throw new AssertionError("node " + id + ": `" + command + "` failed (" + r.status() + "): " + r.output()
                    + "\n" + log());
            return r;
        }

        /** PreStartupCommand, then (lease acquired) PostStartupCommand; then every other live node is added here and this node there. */
        void join(List<Node> others) throws IOException {
            backendData = step(commands.preStartup(), Map.of(), null).output();
            Map<String, String> post = new HashMap<>(lease());
            post.put("NETWORK", "10.42.0.0/16");
            step(commands.postStartup(), post, null);
            for (Node o : others) {
                add(o);
                o.add(this);
            }
        }

        void add(Node remote) throws IOException {
            step(commands.subnetAdd(), remote.lease(), remote.backendData);
        }

        void remove(Node remote) throws IOException {
            step(commands.subnetRemove(), remote.lease(), remote.backendData);
        }

        void shutdown() throws IOException {
            step(commands.shutdown(), Map.of(), null);
        }
    }

    @BeforeEach
    void underlay() throws IOException {
        Root.require();
        dir = Files.createTempDirectory("flannel-ext");
        bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("dataplane"), REPO.resolve("bin/dataplane"));
        sw = Netns.create("flsw");
        sw.exec("ip", "link", "add", "br0", "type", "bridge");
        sw.exec("ip", "link", "set", "br0", "up");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) cleanup.get(i).close();
        if (sw != null) sw.close();
    }

    private Node node(int id, FlannelExtension.Runner runner, FlannelExtension.Commands commands, boolean ipv6) throws IOException {
        Node n = new Node(id, runner, commands, ipv6);
        cleanup.add(n);
        return n;
    }

    private static FlannelExtension.Commands conf(String file) throws IOException {
        return FlannelExtension.Commands.read(DEPLOY.resolve(file));
    }

    @Test
    void wireguardNodesOfOursAndWireGuardGoReachEachOtherLeaveReturnAndRestart() throws Exception {
        // node 1: deploy/flannel/wireguard.json under the old sh -c runner; nodes 2 and 3: the mixed-cluster file
        // under today's shell-less runner. Node 3 has no kernel module here either, so, as wg-quick would, it
        // takes the userspace implementation it is given: wireguard-go, the "kernel" side of this cluster.
        Node n1 = node(1, FlannelExtension.Runner.SHELL, conf("wireguard.json"), true);
        Node n2 = node(2, FlannelExtension.Runner.EXEC, conf("wireguard-mixed.json"), true);
        Node n3 = node(3, FlannelExtension.Runner.EXEC, conf("wireguard-mixed.json"), true);
        n3.flanneldEnv.put("WG_QUICK_USERSPACE_IMPLEMENTATION", "wireguard-go");
        n3.flanneldEnv.put("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD", "1");
        List<Node> all = List.of(n1, n2, n3);
        n1.join(List.of());
        n2.join(List.of(n1));
        n3.join(List.of(n1, n2));

        assertTrue(Files.exists(n1.run.resolve("dataplane/flannel-wg.pid")), "node 1 runs our device");
        assertTrue(Files.exists(n2.run.resolve("dataplane/flannel-wg.pid")), "node 2 runs our device (auto, no module)");
        assertFalse(Files.exists(n3.run.resolve("dataplane/flannel-wg.pid")), "node 3 runs wireguard-go, not ours");
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(n1.run.resolve("flannel/wgkey"))));
        assertTrue(n3.exec("wg", "show", "flannel-wg", "peers").contains(n1.backendData), "wireguard-go has node 1 as a peer");
        assertEquals("1420", n1.exec("cat", "/sys/class/net/flannel-wg/mtu"),
                "flannel's MTU: the underlay's 1500 minus 80");
        everyPairReaches(all);

        // node 3 leaves: its lease goes (subnet-remove everywhere else), flannel stops there (shutdown)
        n1.remove(n3);
        n2.remove(n3);
        n3.shutdown();
        assertFalse(n1.exec("wg", "show", "flannel-wg", "peers").contains(n3.backendData), "node 3's peer is gone from node 1");
        assertFalse(reaches(n1, n3, false, 2), "node 3 is unreachable once removed");

        // ... and comes back with the same key (kept in its /run/flannel/wgkey)
        String key3 = n3.backendData;
        n3.join(List.of(n1, n2));
        assertEquals(key3, n3.backendData);
        assertReaches(n1, n3);
        assertReaches(n2, n3);

        // node 1 restarts: same key, so nothing changes elsewhere; flannel re-announces every lease to it
        String key1 = n1.backendData;
        n1.shutdown();
        n1.backendData = n1.step(n1.commands.preStartup(), Map.of(), null).output();
        assertEquals(key1, n1.backendData, "a restarted node keeps its key");
        Map<String, String> post = new HashMap<>(n1.lease());
        post.put("NETWORK", "10.42.0.0/16");
        n1.step(n1.commands.postStartup(), post, null);
        n1.add(n2);
        n1.add(n3);
        assertReaches(n1, n2);
        assertReaches(n1, n3);
    }

    @Test
    void vxlanNodesOfOursAndAKernelVxlanNodeReachEachOther() throws Exception {
        // node 3 runs the kernel's vxlan device, set up by shell commands of the same layout (flannel's own)
        FlannelExtension.Commands kernel = new FlannelExtension.Commands(
                "ip link add flannel.1 type vxlan id 1 dstport 8472 nolearning && ip link set flannel.1 mtu 1450 && cat /sys/class/net/flannel.1/address",
                "ip addr add ${SUBNET%/*}/32 dev flannel.1 && ip link set flannel.1 up",
                "read MAC; ip route replace $SUBNET via ${SUBNET%/*} dev flannel.1 onlink && ip neigh replace ${SUBNET%/*} dev flannel.1 lladdr $MAC nud permanent && bridge fdb replace $MAC dev flannel.1 dst $PUBLIC_IP",
                "read MAC; ip route del $SUBNET dev flannel.1; ip neigh del ${SUBNET%/*} dev flannel.1; bridge fdb del $MAC dev flannel.1 dst $PUBLIC_IP",
                "ip link del flannel.1");
        Node n1 = node(1, FlannelExtension.Runner.SHELL, conf("vxlan.json"), true);
        Node n2 = node(2, FlannelExtension.Runner.EXEC, conf("vxlan.json"), true);
        Node n3 = node(3, FlannelExtension.Runner.SHELL, kernel, false);
        n1.join(List.of());
        n2.join(List.of(n1));
        n3.join(List.of(n1, n2));
        assertTrue(n1.backendData.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}"), "BackendData is the VTEP MAC: " + n1.backendData);
        assertTrue(Files.exists(n1.run.resolve("dataplane/flannel.1.pid")), "node 1 runs our device");
        assertEquals("1450", n1.exec("cat", "/sys/class/net/flannel.1/mtu"));
        String fdb = n1.exec("dataplane", "ctl", "flannel.1", "fdb", "show");
        assertTrue(fdb.lines().anyMatch(l -> l.startsWith(n3.backendData + " ") && l.contains(" dst 198.18.0.3 ")),
                "node 1's FDB sends node 3's MAC to node 3:\n" + fdb);
        assertReaches(n1, n3, false);
        assertReaches(n2, n3, false);
        assertReaches(n1, n2);

        // node 2 leaves and comes back (a new device, so a new MAC: the others replace what they had)
        n1.remove(n2);
        n3.remove(n2);
        n2.shutdown();
        assertFalse(reaches(n1, n2, false, 2));
        n2.join(List.of(n1, n3));
        assertReaches(n1, n2);
        assertReaches(n3, n2, false);
    }

    private void everyPairReaches(List<Node> nodes) throws IOException, InterruptedException {
        for (Node a : nodes) for (Node b : nodes) if (a != b) assertReaches(a, b);
    }

    private void assertReaches(Node a, Node b) throws IOException, InterruptedException {
        assertReaches(a, b, false);
        if (a.ipv6 && b.ipv6) assertReaches(a, b, true);
    }

    private void assertReaches(Node a, Node b, boolean v6) throws IOException, InterruptedException {
        assertTrue(reaches(a, b, v6, 20), "pod on node " + a.id + " reaches pod on node " + b.id + (v6 ? " (IPv6)" : " (IPv4)")
                + "\nnode " + a.id + ": " + a.ns.result("ip", "route").output() + a.log());
    }

    private static boolean reaches(Node a, Node b, boolean v6, int tries) throws IOException, InterruptedException {
        return a.reaches(a.pod(v6), b.pod(v6), tries);
    }
}
