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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `dataplane flannel agent` against a real etcd, beside a node set up the way flanneld's own wireguard backend
 * sets up a kernel device (here wireguard-go, configured with wg and ip from the leases in etcd, its own lease
 * written exactly as flanneld writes it).
 */
@Timeout(600)
class FlannelAgentIT {
    private static final Path REPO = OurProcess.jar().toAbsolutePath().getParent().getParent().getParent();
    private static final String PREFIX = "/coreos.com/network";
    private static final String CONFIG = "{\"Network\":\"10.42.0.0/16\",\"EnableIPv6\":true,\"IPv6Network\":\"fd00:42::/56\","
            + "\"Backend\":{\"Type\":\"wireguard\",\"PersistentKeepaliveInterval\":25}}";

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private Netns sw;
    private Path dir, bin;
    private Etcd etcd;

    @BeforeEach
    void cluster(org.junit.jupiter.api.TestInfo test) throws Exception {
        Root.require();
        dir = Files.createTempDirectory("flannel-agent");
        bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("dataplane"), REPO.resolve("bin/dataplane"));
        sw = Netns.create("flsw");
        sw.exec("ip", "link", "add", "br0", "type", "bridge");
        sw.exec("ip", "addr", "add", "198.18.0.254/24", "dev", "br0");
        sw.exec("ip", "link", "set", "br0", "up");
        etcd = Etcd.start(sw, "198.18.0.254", dir, test.getTestMethod().orElseThrow().getName().contains("Tls") ? dir.resolve("tls") : null);
        etcd.ctl("put", PREFIX + "/config", CONFIG);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) cleanup.get(i).close();
        if (etcd != null) etcd.close();
        if (sw != null) sw.close();
    }

    /** Our agent on a node, in the foreground as systemd would run it; stopped with SIGTERM. */
    final class AgentNode extends FlannelNode {
        Process agent;

        AgentNode(int id) throws IOException {
            super(id, sw, dir, bin);
            cleanup.add(this);
        }

        void start(String... extra) throws IOException, InterruptedException {
            Files.deleteIfExists(run.resolve("flannel/subnet.env"));
            // a dead endpoint first (nothing listens there in the node's namespace): every call falls over to the next
            List<String> cmd = new ArrayList<>(List.of("dataplane", "flannel", "agent",
                    "--etcd-endpoints", "http://127.0.0.1:9," + etcd.endpoint, "--public-ip", publicIp(), "--public-ipv6", publicIpv6()));
            cmd.addAll(List.of(extra));
            agent = FlannelExtension.startInNode(ns, run, flanneldEnv, cmd, run.resolve("agent.log"));
            for (int i = 0; i < 300 && !Files.exists(run.resolve("flannel/subnet.env")); i++) {
                if (!agent.isAlive()) break;
                Thread.sleep(100);
            }
            assertTrue(Files.exists(run.resolve("flannel/subnet.env")), "node " + id + " agent wrote subnet.env\n" + agentLog());
        }

        void stop() throws InterruptedException {
            agent.destroy();
            assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "agent stops on SIGTERM");
            assertEquals(0, agent.exitValue(), agentLog());
        }

        Map<String, String> subnetEnv() throws IOException {
            Map<String, String> m = new HashMap<>();
            for (String l : Files.readAllLines(run.resolve("flannel/subnet.env"))) {
                int eq = l.indexOf('=');
                if (eq > 0) m.put(l.substring(0, eq), l.substring(eq + 1));
            }
            return m;
        }

        /** The pod address flannel's CNI gives cni0: the subnet's first host, from subnet.env. */
        String pod(boolean v6) throws IOException {
            String s = subnetEnv().get(v6 ? "FLANNEL_IPV6_SUBNET" : "FLANNEL_SUBNET");
            return s.substring(0, s.indexOf('/'));
        }

        String agentLog() {
            try {
                return "agent log:\n" + Files.readString(run.resolve("agent.log")) + "\n" + log();
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public void close() {
            if (agent != null && agent.isAlive()) {
                agent.destroy();
                try {
                    agent.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.close();
        }
    }

    @Test
    void agentsTakeLeasesReachEachOtherAndFollowAFlanneldLease() throws Exception {
        AgentNode n1 = new AgentNode(1), n2 = new AgentNode(2);
        n1.start();
        n2.start();
        Map<String, String> env1 = n1.subnetEnv(), env2 = n2.subnetEnv();
        assertEquals("10.42.0.0/16", env1.get("FLANNEL_NETWORK"));
        assertEquals("fd00:42::/56", env1.get("FLANNEL_IPV6_NETWORK"));
        assertTrue(env1.get("FLANNEL_SUBNET").matches("10\\.42\\.\\d+\\.1/24"), env1.toString());
        assertTrue(env1.get("FLANNEL_IPV6_SUBNET").matches("fd00:42:0:[0-9a-f]+::1/64"), env1.toString());
        assertEquals("1420", env1.get("FLANNEL_MTU"));
        assertNotEquals(env1.get("FLANNEL_SUBNET"), env2.get("FLANNEL_SUBNET"), "distinct subnets");
        assertNotEquals(env1.get("FLANNEL_IPV6_SUBNET"), env2.get("FLANNEL_IPV6_SUBNET"));
        for (AgentNode n : List.of(n1, n2)) {
            n.addPod(n.pod(false));
            n.addPod(n.pod(true));
        }
        // the leases are flannel's: key by subnet, JSON with the public key and port
        String leases = etcd.ctl("get", "--prefix", PREFIX + "/subnets/");
        String key1 = n1.exec("wg", "show", "flannel-wg", "public-key").strip();
        assertTrue(leases.contains("\"PublicIP\":\"198.18.0.1\"") && leases.contains("\"BackendType\":\"wireguard\"")
                && leases.contains("\"BackendData\":{\"PublicKey\":\"" + key1 + "\",\"Port\":51820}"), leases);
        assertPodsReach(n1, n2.pod(false));
        assertPodsReach(n1, n2.pod(true));
        assertPodsReach(n2, n1.pod(false));

        // a third node as flanneld's kernel backend runs it: wireguard-go configured with wg and ip, its lease put
        // exactly as flanneld puts it, with a TTL lease; our agents add it as a peer
        AgentNode n3 = new AgentNode(3);
        n3.flanneldEnv.put("WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD", "1");
        n3.exec("wireguard-go", "flannel-wg");
        for (int i = 0; i < 100 && n3.exec("ls", "/run/wireguard").isBlank(); i++) Thread.sleep(50);
        n3.exec("sh", "-c", "umask 077; wg genkey > /run/flannel/wgkey");
        n3.exec("wg", "set", "flannel-wg", "private-key", "/run/flannel/wgkey", "listen-port", "51820");
        String key3 = n3.exec("wg", "show", "flannel-wg", "public-key").strip();
        n3.exec("ip", "addr", "add", "10.42.200.0/32", "dev", "flannel-wg");
        n3.exec("ip", "addr", "add", "fd00:42:0:c8::/128", "dev", "flannel-wg");
        n3.exec("ip", "link", "set", "flannel-wg", "mtu", "1420", "up");
        n3.exec("ip", "route", "replace", "10.42.0.0/16", "dev", "flannel-wg");
        n3.exec("ip", "route", "replace", "fd00:42::/56", "dev", "flannel-wg");
        n3.addPod("10.42.200.1");
        for (AgentNode n : List.of(n1, n2)) {   // flanneld on node 3 adds the other leases as peers
            String sub = n.subnetEnv().get("FLANNEL_SUBNET").replace(".1/24", ".0/24");
            String sub6 = n.subnetEnv().get("FLANNEL_IPV6_SUBNET").replace("::1/64", "::/64");
            n3.exec("wg", "set", "flannel-wg", "peer", n.exec("wg", "show", "flannel-wg", "public-key").strip(),
                    "endpoint", n.publicIp() + ":51820", "allowed-ips", sub + "," + sub6, "persistent-keepalive", "25");
        }
        String lease3 = etcd.grant(600);
        String value3 = "{\"PublicIP\":\"198.18.0.3\",\"PublicIPv6\":\"fd00:198::3\",\"BackendType\":\"wireguard\","
                + "\"BackendData\":{\"PublicKey\":\"" + key3 + "\",\"Port\":51820},\"BackendV6Data\":{\"PublicKey\":\"" + key3 + "\",\"Port\":51821}}";
        etcd.ctl("put", "--lease=" + lease3, PREFIX + "/subnets/10.42.200.0-24&fd00:42:0:c8::-64", value3);
        waitFor(() -> n1.exec("wg", "show", "flannel-wg", "peers").contains(key3), "node 1 adds node 3's peer\n" + n1.agentLog());
        assertPodsReach(n1, "10.42.200.1");
        assertPodsReach(n2, "10.42.200.1");

        // the lease goes (deleted, as when it expires): the peer goes
        etcd.ctl("del", PREFIX + "/subnets/10.42.200.0-24&fd00:42:0:c8::-64");
        waitFor(() -> !n1.exec("wg", "show", "flannel-wg", "peers").contains(key3), "node 1 removes node 3's peer\n" + n1.agentLog());
        waitFor(() -> !n2.exec("wg", "show", "flannel-wg", "peers").contains(key3), "node 2 removes node 3's peer");

        // node 1's agent restarts: the same subnet (its lease has its public IP) and the same key
        n1.stop();
        assertNotEquals(0, n1.ns.result("ip", "link", "show", "flannel-wg").status(), "the device went with the agent");
        n1.start();
        assertEquals(env1.get("FLANNEL_SUBNET"), n1.subnetEnv().get("FLANNEL_SUBNET"));
        assertEquals(key1, n1.exec("wg", "show", "flannel-wg", "public-key").strip());
        assertPodsReach(n1, n2.pod(false));
        assertPodsReach(n2, n1.pod(true));
        n1.stop();
        n2.stop();
    }

    @Test
    void agentOverTlsWithAClientCertificate() throws Exception {
        AgentNode n1 = new AgentNode(1);
        Path tls = etcd.tls;
        // without a client certificate etcd refuses: the agent keeps trying, says why, and takes nothing
        AgentNode n2 = new AgentNode(2);
        n2.agent = FlannelExtension.startInNode(n2.ns, n2.run, n2.flanneldEnv, List.of("dataplane", "flannel", "agent", "--etcd-endpoints",
                etcd.endpoint, "--public-ip", n2.publicIp(), "--etcd-cafile", tls.resolve("ca.pem").toString()), n2.run.resolve("agent.log"));
        n1.start("--etcd-cafile", tls.resolve("ca.pem").toString(), "--etcd-certfile", tls.resolve("client.pem").toString(),
                "--etcd-keyfile", tls.resolve("client.key").toString());
        assertTrue(n1.subnetEnv().get("FLANNEL_SUBNET").matches("10\\.42\\.\\d+\\.1/24"), n1.subnetEnv().toString());
        String leases = etcd.ctl("get", "--prefix", PREFIX + "/subnets/");
        assertTrue(leases.contains("\"PublicIP\":\"198.18.0.1\""), leases);
        assertTrue(n2.agent.isAlive(), "a refused connection is retried, not fatal");
        assertTrue(!Files.exists(n2.run.resolve("flannel/subnet.env")), "no lease without a client certificate");
        assertTrue(Files.readString(n2.run.resolve("agent.log")).contains("etcd"), n2.agentLog());
        assertTrue(!leases.contains("198.18.0.2"), leases);
        n1.stop();
    }

    private static void assertPodsReach(AgentNode from, String dst) throws IOException, InterruptedException {
        String src = from.pod(dst.contains(":"));
        assertTrue(from.reaches(src, dst, 25), "node " + from.id + " pod " + src + " reaches " + dst + "\n" + from.agentLog());
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Check check, String what) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (check.ok()) return;
            Thread.sleep(100);
        }
        throw new AssertionError("timed out: " + what);
    }
}
