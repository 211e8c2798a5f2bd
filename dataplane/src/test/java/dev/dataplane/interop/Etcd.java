package dev.dataplane.interop;

import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Test harness: Debian's etcd (3.4) started by a test inside one of its namespaces, and etcdctl beside it. */
final class Etcd implements AutoCloseable {
    final Netns ns;
    final String endpoint;
    private final Process process;
    private final Path dataDir;

    private Etcd(Netns ns, String endpoint, Process process, Path dataDir) {
        this.ns = ns;
        this.endpoint = endpoint;
        this.process = process;
        this.dataDir = dataDir;
    }

    /** Serves clients on http://ADDRESS:2379 inside {@code ns} (peers on its loopback); returns once it answers. */
    static Etcd start(Netns ns, String address, Path logDir) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/etcd"))) Root.missing("etcd is not installed (Debian package etcd-server)");
        Path data = Files.createTempDirectory("etcd-data");
        String client = "http://" + address + ":2379";
        Process p = ns.start(Map.of(), logDir.resolve("etcd.log"), "etcd", "--name", "test", "--data-dir", data.toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
                "--initial-cluster", "test=http://127.0.0.1:2380");
        Etcd etcd = new Etcd(ns, client, p, data);
        for (int i = 0; i < 100; i++) {
            if (!p.isAlive()) break;
            if (ns.result("etcdctl", "--endpoints=" + client, "endpoint", "health").status() == 0) return etcd;
            Thread.sleep(100);
        }
        etcd.close();
        throw new IOException("etcd did not come up: " + Files.readString(logDir.resolve("etcd.log")));
    }

    String ctl(String... args) throws IOException {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "etcdctl";
        cmd[1] = "--endpoints=" + endpoint;
        System.arraycopy(args, 0, cmd, 2, args.length);
        return ns.exec(cmd);
    }

    /** A lease of {@code ttl} seconds; its ID in hex, as etcdctl takes it. */
    String grant(int ttl) throws IOException {
        String out = ctl("lease", "grant", Integer.toString(ttl));   // "lease 694d7a… granted with TTL(600s)"
        return out.strip().split("\\s+")[1];
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory: left for the OS
        }
    }
}
