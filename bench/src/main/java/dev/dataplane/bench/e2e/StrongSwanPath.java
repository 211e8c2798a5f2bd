package dev.dataplane.bench.e2e;

import dev.dataplane.demo.StrongSwanPeer;
import dev.dataplane.demo.Tunnel;
import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * strongSwan's charon at both ends with kernel-libipsec (ESP in userspace, always UDP-encapsulated), keyed by
 * IKEv2 with flannel's ipsec proposals: what a node without kernel ESP would otherwise run, beside our ESP.
 */
final class StrongSwanPath implements BenchPath {
    private int seq;

    @Override
    public String name() {
        return "strongswan";
    }

    @Override
    public Endpoints setUp(Path logDir) throws IOException, InterruptedException {
        NamespacePair pair = NamespacePair.create("bss");
        StrongSwanPeer[] peers = new StrongSwanPeer[2];
        Runnable teardown = () -> {
            for (StrongSwanPeer p : peers) if (p != null) p.close();
            pair.close();
        };
        try {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            String psk = HexFormat.of().formatHex(k);
            String a = NamespacePair.UNDERLAY_A, b = NamespacePair.UNDERLAY_B;
            pair.a.exec("ip", "addr", "add", Tunnel.INNER_A + "/32", "dev", "lo");
            pair.b.exec("ip", "addr", "add", Tunnel.INNER_B + "/32", "dev", "lo");
            int n = ++seq;
            peers[0] = StrongSwanPeer.start(pair.a, logDir.resolve("charon-a" + n), conf(a, b, Tunnel.INNER_A, Tunnel.INNER_B, psk));
            peers[1] = StrongSwanPeer.start(pair.b, logDir.resolve("charon-b" + n), conf(b, a, Tunnel.INNER_B, Tunnel.INNER_A, psk));
            peers[0].swanctl("--initiate", "--child", "net", "--timeout", "30");
            NamespacePair.awaitContact(pair.a, Tunnel.INNER_B);
        } catch (IOException | InterruptedException | RuntimeException e) {
            teardown.run();
            throw e;
        }
        return new Endpoints(pair.a, pair.b, Tunnel.INNER_B, teardown);
    }

    private static String conf(String local, String remote, String inner, String peerInner, String psk) {
        return StrongSwanPeer.pskConnection("bench", local, remote, inner + "/32", peerInner + "/32", "aes256-sha256-modp4096",
                "aes128gcm16-sha256-prfsha256-ecp256", "none", psk);
    }
}
