package dev.dataplane.bench.e2e;

import dev.dataplane.demo.Tunnel;
import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Our VXLAN mode at both ends (`dataplane --iface NAME --mode vxlan`, flannel's VNI 1 and port 8472, the `remote`
 * form), beside {@link KernelVxlanPath} in the same run.
 */
final class OurVxlanPath implements BenchPath {
    static final String NAME = "ours-vxlan";
    private final String name;
    private final String tag;
    private final Tunnel.Launch launch;
    private int seq;

    /** As the launcher starts it; {@code --ours 'NAME=path:ours-vxlan ...'} rows give their own name, tag and launch. */
    OurVxlanPath() {
        this(NAME, "bvo", Tunnel.Launch.ours(WireGuardPath.OUR_GC));
    }

    OurVxlanPath(String name, String tag, Tunnel.Launch launch) {
        this.name = name;
        this.tag = tag;
        this.launch = launch;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Endpoints setUp(Path logDir) throws IOException, InterruptedException {
        NamespacePair pair = NamespacePair.create(tag);
        try {
            String id = (ProcessHandle.current().pid() % 10000) + tag + (++seq);
            start(pair.a, "dpva" + id, NamespacePair.UNDERLAY_A, NamespacePair.UNDERLAY_B, Tunnel.INNER_A, logDir);
            start(pair.b, "dpvb" + id, NamespacePair.UNDERLAY_B, NamespacePair.UNDERLAY_A, Tunnel.INNER_B, logDir);
            NamespacePair.awaitContact(pair.a, Tunnel.INNER_B);
        } catch (IOException | InterruptedException | RuntimeException e) {
            pair.close();
            throw e;
        }
        return new Endpoints(pair.a, pair.b, Tunnel.INNER_B, pair::close);
    }

    private void start(Netns ns, String iface, String self, String peer, String inner, Path logDir)
            throws IOException, InterruptedException {
        OurModeProcess.start(ns, iface, launch, List.of("--mode", "vxlan", "--local", self, "--remote", peer), inner, logDir);
    }
}
