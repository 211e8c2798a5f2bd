package dev.dataplane.bench.e2e;

import dev.dataplane.demo.Tunnel;

import java.io.IOException;
import java.nio.file.Path;

/** A WireGuard tunnel with the same implementation at both ends, built by {@link Tunnel} as the demo does. */
final class WireGuardPath implements BenchPath {
    /** The GC the launcher picks for a device. */
    static final String OUR_GC = "-XX:+UseParallelGC";

    private final String name;
    private final String tag;
    private final Tunnel.Launch launch;

    private WireGuardPath(String name, String tag, Tunnel.Launch launch) {
        this.name = name;
        this.tag = tag;
        this.launch = launch;
    }

    /** Ours at both ends, in the mode the device picks for this machine. */
    static WireGuardPath ours() {
        return new WireGuardPath("ours", "bwg", Tunnel.Launch.ours(OUR_GC));
    }

    /** Debian's wireguard-go, from PATH. */
    static WireGuardPath wireguardGo() {
        return new WireGuardPath("wireguard-go", "bgo", Tunnel.Launch.wireguardGo("wireguard-go"));
    }

    /** A row given on the command line (--wireguard-go, --ours); {@code tag} names its namespaces and interfaces. */
    static WireGuardPath of(String name, String tag, Tunnel.Launch launch) {
        return new WireGuardPath(name, tag, launch);
    }

    boolean isWireGuardGo() {
        return launch.impl() == Tunnel.Impl.WIREGUARD_GO;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Endpoints setUp(Path logDir) throws IOException, InterruptedException {
        Tunnel t = Tunnel.up(tag, launch, launch, logDir);
        try {
            NamespacePair.awaitContact(t.a, Tunnel.INNER_B); // includes the handshake
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
        return new Endpoints(t.a, t.b, Tunnel.INNER_B, t::close);
    }
}
