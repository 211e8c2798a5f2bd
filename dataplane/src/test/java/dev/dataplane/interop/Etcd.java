package dev.dataplane.interop;

import dev.dataplane.os.Command;
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
    /** With TLS: the directory of ca.pem, client.pem and client.key (etcdctl uses them); else null. */
    final Path tls;

    private Etcd(Netns ns, String endpoint, Process process, Path dataDir, Path tls) {
        this.ns = ns;
        this.endpoint = endpoint;
        this.process = process;
        this.dataDir = dataDir;
        this.tls = tls;
    }

    /** Serves clients on http://ADDRESS:2379 inside {@code ns} (peers on its loopback); returns once it answers. */
    static Etcd start(Netns ns, String address, Path logDir) throws IOException, InterruptedException {
        return start(ns, address, logDir, null);
    }

    /**
     * With {@code tls} (a directory): a test CA, a server certificate for {@code address} and a client certificate
     * are made there with openssl, and etcd serves https and requires the client certificate.
     */
    static Etcd start(Netns ns, String address, Path logDir, Path tls) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/etcd"))) Root.missing("etcd is not installed (Debian package etcd-server)");
        Path data = Files.createTempDirectory("etcd-data");
        String client = (tls == null ? "http://" : "https://") + address + ":2379";
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("etcd", "--name", "test", "--data-dir", data.toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
                "--initial-cluster", "test=http://127.0.0.1:2380"));
        if (tls != null) {
            certificates(tls, address);
            cmd.addAll(java.util.List.of("--cert-file", tls.resolve("server.pem").toString(), "--key-file", tls.resolve("server.key").toString(),
                    "--client-cert-auth", "--trusted-ca-file", tls.resolve("ca.pem").toString()));
        }
        Process p = ns.start(Map.of(), logDir.resolve("etcd.log"), cmd.toArray(String[]::new));
        Etcd etcd = new Etcd(ns, client, p, data, tls);
        for (int i = 0; i < 100; i++) {
            if (!p.isAlive()) break;
            if (etcd.ctlResult("endpoint", "health").status() == 0) return etcd;
            Thread.sleep(100);
        }
        etcd.close();
        throw new IOException("etcd did not come up: " + Files.readString(logDir.resolve("etcd.log")));
    }

    String ctl(String... args) throws IOException {
        return ns.exec(ctlCommand(args));
    }

    Command.Result ctlResult(String... args) throws IOException {
        return ns.result(ctlCommand(args));
    }

    private String[] ctlCommand(String... args) {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("etcdctl", "--endpoints=" + endpoint));
        if (tls != null) {
            cmd.addAll(java.util.List.of("--cacert", tls.resolve("ca.pem").toString(), "--cert", tls.resolve("client.pem").toString(),
                    "--key", tls.resolve("client.key").toString()));
        }
        cmd.addAll(java.util.List.of(args));
        return cmd.toArray(String[]::new);
    }

    /** ca.pem/ca.key, server.pem/server.key (SAN: the address) and client.pem/client.key, EC P-256, one day. */
    private static void certificates(Path dir, String address) throws IOException {
        Files.createDirectories(dir);
        String script = """
                set -e
                cd "$0"
                openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 1 -subj /CN=test-ca
                for who in server client; do
                  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $who.key -out $who.csr -subj /CN=$who
                done
                # etcd 3.4's JSON gateway dials etcd's own gRPC with the server certificate: it must be a client one too
                printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth,clientAuth\n' > server.ext
                printf 'extendedKeyUsage=clientAuth\n' > client.ext
                for who in server client; do
                  openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $who.pem -days 1 -extfile $who.ext
                done
                """.formatted(address);
        Netns.run(java.util.List.of("sh", "-c", script, dir.toString()));
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
