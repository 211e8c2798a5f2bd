package dev.dataplane.interop;

import dev.dataplane.os.Command;
import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test harness: one k3s/flannel node in a namespace: eth0 on the test's switch (198.18.0.ID, fd00:198::ID), a
 * cni0 bridge holding its pods' addresses, its own /run (see {@link FlannelExtension#inNode}) and flanneld's
 * environment, with our bin/ first on PATH.
 */
class FlannelNode implements AutoCloseable {
    final int id;
    final Netns ns;
    final Path run;
    final Map<String, String> flanneldEnv = new HashMap<>(System.getenv());

    FlannelNode(int id, Netns sw, Path dir, Path bin) throws IOException {
        this.id = id;
        this.ns = Netns.create("fl" + id);
        this.run = dir.resolve("node" + id);
        try {
            Files.createDirectories(run);
            flanneldEnv.put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
            flanneldEnv.put("DATAPLANE_LOG", run.resolve("dataplane.log").toString());
            String port = "u" + id;
            Netns.run(List.of("ip", "link", "add", port, "netns", sw.name(), "type", "veth", "peer", "name", "eth0", "netns", ns.name()));
            sw.exec("ip", "link", "set", port, "master", "br0");
            sw.exec("ip", "link", "set", port, "up");
            ns.exec("ip", "addr", "add", publicIp() + "/24", "dev", "eth0");
            ns.exec("ip", "addr", "add", publicIpv6() + "/64", "dev", "eth0", "nodad");
            ns.exec("ip", "link", "set", "eth0", "up");
            ns.exec("ip", "link", "add", "cni0", "type", "bridge");   // where flannel's CNI puts pods (no dummy module here)
            ns.exec("ip", "link", "set", "cni0", "up");
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    String publicIp() {
        return "198.18.0." + id;
    }

    String publicIpv6() {
        return "fd00:198::" + id;
    }

    /** A pod address on this node (on cni0). */
    void addPod(String address) throws IOException {
        if (address.contains(":")) ns.exec("ip", "addr", "add", address + "/128", "dev", "cni0", "nodad");
        else ns.exec("ip", "addr", "add", address + "/32", "dev", "cni0");
    }

    /** Runs a command as this node (its namespace and its own /run); its output, or an exception with it. */
    String exec(String... argv) throws IOException {
        FlannelExtension.Result r = FlannelExtension.inNode(ns, run, flanneldEnv, List.of(argv), "");
        if (r.status() != 0) throw new IOException(String.join(" ", argv) + " failed: " + r.output());
        return r.output();
    }

    String log() {
        try {
            Path log = run.resolve("dataplane.log");
            return Files.exists(log) ? "device log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Pings from {@code src} to {@code dst} up to {@code tries} times (the first packets may wait for a handshake). */
    boolean reaches(String src, String dst, int tries) throws IOException, InterruptedException {
        for (int i = 0; i < tries; i++) {
            Command.Result r = ns.result("ping", dst.contains(":") ? "-6" : "-4", "-c", "1", "-W", "1", "-I", src, dst);
            if (r.status() == 0) return true;
            Thread.sleep(200);
        }
        return false;
    }

    @Override
    public void close() {
        ns.close();   // also stops daemons our commands left in it (our device, wireguard-go)
    }
}
