package dev.dataplane.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;

/** No tunnel at all: iperf3 straight across the veth pair. The ceiling every other path is paying from. */
final class VethPath implements BenchPath {
    @Override
    public String name() {
        return "veth";
    }

    @Override
    public Endpoints setUp(Path logDir) throws IOException {
        NamespacePair pair = NamespacePair.create("bve");
        try {
            NamespacePair.awaitContact(pair.a, NamespacePair.UNDERLAY_B);
        } catch (IOException | RuntimeException e) {
            pair.close();
            throw e;
        }
        return new Endpoints(pair.a, pair.b, NamespacePair.UNDERLAY_B, pair::close);
    }
}
