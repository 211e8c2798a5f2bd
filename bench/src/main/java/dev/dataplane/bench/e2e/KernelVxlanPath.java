package dev.dataplane.bench.e2e;

import dev.dataplane.demo.Tunnel;
import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Path;

/** The Linux vxlan device at both ends (VNI 1, flannel's port 8472): the bar our VXLAN mode is measured against. */
final class KernelVxlanPath implements BenchPath {
    @Override
    public String name() {
        return "kernel-vxlan";
    }

    @Override
    public Endpoints setUp(Path logDir) throws IOException {
        NamespacePair pair = NamespacePair.create("bvx");
        try {
            vxlan(pair.a, NamespacePair.UNDERLAY_A, NamespacePair.UNDERLAY_B, Tunnel.INNER_A);
            vxlan(pair.b, NamespacePair.UNDERLAY_B, NamespacePair.UNDERLAY_A, Tunnel.INNER_B);
            NamespacePair.awaitContact(pair.a, Tunnel.INNER_B);
        } catch (IOException | RuntimeException e) {
            pair.close();
            throw e;
        }
        return new Endpoints(pair.a, pair.b, Tunnel.INNER_B, pair::close);
    }

    private static void vxlan(Netns ns, String self, String peer, String inner) throws IOException {
        ns.exec("ip", "link", "add", "vx0", "type", "vxlan", "id", "1", "dstport", "8472",
                "remote", peer, "local", self, "dev", "veth0");
        ns.exec("ip", "addr", "add", inner + "/24", "dev", "vx0");
        ns.exec("ip", "link", "set", "vx0", "up");
    }
}
