package dev.dataplane.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One way of carrying packets between two namespaces (plain veth, a WireGuard implementation, a VXLAN device,
 * ...). Adding a path to the benchmark is one implementation of this plus one line in {@link EndToEnd#PATHS}.
 */
public interface BenchPath {
    /** Short name used in progress lines, the table, the JSON and the chart; also selects it with --paths. */
    String name();

    /**
     * Builds fresh namespaces and whatever the path needs, and returns once a packet has crossed it (handshake
     * done, neighbours resolved). On failure it removes what it created before throwing.
     */
    Endpoints setUp(Path logDir) throws IOException, InterruptedException;
}
