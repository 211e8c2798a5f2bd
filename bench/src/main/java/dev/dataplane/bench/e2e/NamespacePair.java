package dev.dataplane.bench.e2e;

import dev.dataplane.netns.Netns;

import java.io.IOException;

/** Two fresh namespaces joined by veth0 on the underlay 198.18.0.1/24 and .2/24; the base of the non-WireGuard paths. */
final class NamespacePair {
    static final String UNDERLAY_A = "198.18.0.1";
    static final String UNDERLAY_B = "198.18.0.2";

    final Netns a;
    final Netns b;

    private NamespacePair(Netns a, Netns b) {
        this.a = a;
        this.b = b;
    }

    static NamespacePair create(String tag) throws IOException {
        Netns a = Netns.create(tag + "a");
        Netns b = null;
        try {
            b = Netns.create(tag + "b");
            Netns.link(a, "veth0", UNDERLAY_A + "/24", b, "veth0", UNDERLAY_B + "/24");
            return new NamespacePair(a, b);
        } catch (IOException | RuntimeException e) {
            a.close();
            if (b != null) b.close();
            throw e;
        }
    }

    /** Waits until one ping from a reaches {@code target} (neighbour resolution, handshakes); fails after ~10 s. */
    static void awaitContact(Netns from, String target) throws IOException {
        if (dev.dataplane.demo.Measure.firstContactMs(from, target, 10_000) < 0) {
            throw new IOException("no ping reply from " + target + " within 10 s");
        }
    }

    void close() {
        a.close();
        b.close();
    }
}
