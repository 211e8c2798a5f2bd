package dev.dataplane.bench.e2e;

import dev.dataplane.demo.Tunnel;

import java.io.IOException;
import java.nio.file.Path;

/** A WireGuard tunnel with the same implementation at both ends, built by {@link Tunnel} as the demo does. */
final class WireGuardPath implements BenchPath {
    private final String name;
    private final String tag;
    private final Tunnel.Impl impl;
    private final String[] jvmFlags;

    private WireGuardPath(String name, String tag, Tunnel.Impl impl, String... jvmFlags) {
        this.name = name;
        this.tag = tag;
        this.impl = impl;
        this.jvmFlags = jvmFlags;
    }

    /** Ours at both ends, with the GC the launcher picks for a device. */
    static WireGuardPath ours() {
        return new WireGuardPath("ours", "bwg", Tunnel.Impl.OURS, "-XX:+UseParallelGC");
    }

    static WireGuardPath wireguardGo() {
        return new WireGuardPath("wireguard-go", "bgo", Tunnel.Impl.WIREGUARD_GO);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Endpoints setUp(Path logDir) throws IOException, InterruptedException {
        Tunnel t = Tunnel.up(tag, impl, impl, logDir, jvmFlags);
        try {
            NamespacePair.awaitContact(t.a, Tunnel.INNER_B); // includes the handshake
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
        return new Endpoints(t.a, t.b, Tunnel.INNER_B, t::close);
    }
}
