package dev.dataplane.bench.e2e;

import dev.dataplane.demo.OurProcess;
import dev.dataplane.demo.Tunnel;
import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Our VXLAN mode at both ends (`dataplane --iface NAME --mode vxlan`, flannel's VNI 1 and port 8472, the `remote`
 * form), beside {@link KernelVxlanPath} in the same run.
 */
final class OurVxlanPath implements BenchPath {
    private int seq;

    @Override
    public String name() {
        return "ours-vxlan";
    }

    @Override
    public Endpoints setUp(Path logDir) throws IOException, InterruptedException {
        NamespacePair pair = NamespacePair.create("bvo");
        try {
            String id = (ProcessHandle.current().pid() % 10000) + "v" + (++seq);
            start(pair.a, "dpva" + id, NamespacePair.UNDERLAY_A, NamespacePair.UNDERLAY_B, Tunnel.INNER_A, logDir);
            start(pair.b, "dpvb" + id, NamespacePair.UNDERLAY_B, NamespacePair.UNDERLAY_A, Tunnel.INNER_B, logDir);
            NamespacePair.awaitContact(pair.a, Tunnel.INNER_B);
        } catch (IOException | InterruptedException | RuntimeException e) {
            pair.close();
            throw e;
        }
        return new Endpoints(pair.a, pair.b, Tunnel.INNER_B, pair::close);
    }

    private static void start(Netns ns, String iface, String self, String peer, String inner, Path logDir)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(OurProcess.java()));
        cmd.addAll(OurProcess.JVM_FLAGS);
        cmd.addAll(List.of("-jar", OurProcess.jar().toString(), "--iface", iface, "--mode", "vxlan",
                "--local", self, "--remote", peer));
        Path log = logDir.resolve(iface + ".log");
        Process p = ns.start(Map.of(), log, cmd.toArray(String[]::new));
        Path sock = Path.of("/var/run/dataplane", iface + ".sock");
        for (int i = 0; i < 300 && !Files.exists(sock); i++) {
            if (!p.isAlive()) throw new IOException("dataplane --mode vxlan exited early: " + Files.readString(log).strip());
            Thread.sleep(50);
        }
        if (!Files.exists(sock)) throw new IOException(iface + " did not open " + sock + " within 15 s");
        ns.exec("ip", "addr", "add", inner + "/24", "dev", iface);
        ns.exec("ip", "link", "set", iface, "up");
    }
}
