package dev.dataplane.bench.e2e;

import dev.dataplane.demo.Tunnel;
import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * Our ESP mode at both ends (`dataplane --iface NAME --mode esp --config FILE`): AES-GCM-128 (rfc4106, flannel's
 * ipsec default) in tunnel mode, as ESP-in-UDP ({@code udp}) or raw ESP; beside our WireGuard in the same run.
 */
final class OurEspPath implements BenchPath {
    static final String RAW = "ours-esp", UDP = "ours-esp-udp";
    private final boolean udp;
    private final String name;
    private final String tag;
    private final Tunnel.Launch launch;
    private int seq;

    /** {@code --ours 'NAME=path:ours-esp-udp ...'} rows give their own name, tag and launch. */
    OurEspPath(boolean udp, String name, String tag, Tunnel.Launch launch) {
        this.udp = udp;
        this.name = name;
        this.tag = tag;
        this.launch = launch;
    }

    static OurEspPath raw() {
        return new OurEspPath(false, RAW, "ber", Tunnel.Launch.ours(WireGuardPath.OUR_GC));
    }

    static OurEspPath udp() {
        return new OurEspPath(true, UDP, "beu", Tunnel.Launch.ours(WireGuardPath.OUR_GC));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Endpoints setUp(Path logDir) throws IOException, InterruptedException {
        NamespacePair pair = NamespacePair.create(tag);
        try {
            SecureRandom r = new SecureRandom();
            byte[] k1 = new byte[20], k2 = new byte[20];
            r.nextBytes(k1);
            r.nextBytes(k2);
            String id = (ProcessHandle.current().pid() % 10000) + tag + (++seq);
            String a = NamespacePair.UNDERLAY_A, b = NamespacePair.UNDERLAY_B;
            start(pair.a, "dpea" + id, lines(a, b, Tunnel.INNER_A, Tunnel.INNER_B, k1, k2, 0x5001, 0x5002), Tunnel.INNER_A, logDir);
            start(pair.b, "dpeb" + id, lines(b, a, Tunnel.INNER_B, Tunnel.INNER_A, k2, k1, 0x5002, 0x5001), Tunnel.INNER_B, logDir);
            NamespacePair.awaitContact(pair.a, Tunnel.INNER_B);
        } catch (IOException | InterruptedException | RuntimeException e) {
            pair.close();
            throw e;
        }
        return new Endpoints(pair.a, pair.b, Tunnel.INNER_B, pair::close);
    }

    private List<String> lines(String me, String peer, String inner, String peerInner, byte[] kOut, byte[] kIn, int spiOut, int spiIn) {
        String encap = udp ? " encap espinudp 4500 4500 0.0.0.0" : "";
        String aead = " mode tunnel aead 'rfc4106(gcm(aes))' 0x";
        return List.of(
                "state add src " + me + " dst " + peer + " proto esp spi " + spiOut + " reqid 1" + aead + HexFormat.of().formatHex(kOut) + " 128" + encap,
                "state add src " + peer + " dst " + me + " proto esp spi " + spiIn + " reqid 1" + aead + HexFormat.of().formatHex(kIn) + " 128" + encap,
                "policy add src " + inner + "/32 dst " + peerInner + "/32 dir out tmpl src " + me + " dst " + peer + " proto esp reqid 1 mode tunnel",
                "policy add src " + peerInner + "/32 dst " + inner + "/32 dir in tmpl src " + peer + " dst " + me + " proto esp reqid 1 mode tunnel");
    }

    private void start(Netns ns, String iface, List<String> lines, String inner, Path logDir) throws IOException, InterruptedException {
        Path config = logDir.resolve(iface + ".xfrm");
        Files.write(config, lines);
        OurModeProcess.start(ns, iface, launch, List.of("--mode", "esp", "--config", config.toString()), inner, logDir);
    }
}
