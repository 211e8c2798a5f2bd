package dev.dataplane.interop;

import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Our ESP mode as a real process in a namespace (`dataplane --iface NAME --mode esp --config FILE`), with `ctl`. */
final class OurEsp {
    final Netns ns;
    final String iface;
    final Process process;

    private OurEsp(Netns ns, String iface, Process process) {
        this.ns = ns;
        this.iface = iface;
        this.process = process;
    }

    /** Starts it with {@code xfrmLines} as its config file, addresses {@code inner} (CIDR, any number) on the TUN. */
    static OurEsp start(Netns ns, String iface, Path logDir, List<String> xfrmLines, String... inner) throws IOException, InterruptedException {
        return start(ns, iface, logDir, "lane", xfrmLines, inner);
    }

    /** The same with the data path's threading ({@code lane} or {@code split}). */
    static OurEsp start(Netns ns, String iface, Path logDir, String threads, List<String> xfrmLines, String... inner)
            throws IOException, InterruptedException {
        Path config = logDir.resolve(iface + ".xfrm");
        Files.write(config, xfrmLines);
        Process p = OurMode.start(ns, iface, logDir, List.of("--mode", "esp", "--config", config.toString(), "--threads", threads));
        for (String a : inner) ns.exec("ip", a.contains(":") ? "-6" : "-4", "addr", "add", a, "dev", iface);
        ns.exec("ip", "link", "set", iface, "up");
        return new OurEsp(ns, iface, p);
    }

    String ctl(String... words) throws IOException {
        return ns.exec(OurMode.ctl(iface, words));
    }

    /** The two SAs and the out/in policies of one end: {@code me}/{@code peer} outer addresses, inner prefixes. */
    static List<String> tunnel(String me, String peer, String myInner, String peerInner, Transform t, boolean udp, boolean esn,
                               String keyOut, String keyIn, int spiOut, int spiIn) {
        String extra = (udp ? " encap espinudp 4500 4500 0.0.0.0" : "") + (esn ? " replay-window 128 flag esn" : " replay-window 64");
        List<String> lines = new ArrayList<>();
        lines.add("state add src " + me + " dst " + peer + " proto esp spi 0x" + Integer.toHexString(spiOut) + " reqid 1 mode tunnel aead '"
                + t.name + "' " + keyOut + " 128" + extra);
        lines.add("state add src " + peer + " dst " + me + " proto esp spi 0x" + Integer.toHexString(spiIn) + " reqid 1 mode tunnel aead '"
                + t.name + "' " + keyIn + " 128" + extra);
        for (String[] pair : new String[][] {{myInner, peerInner}}) {
            for (int f = 0; f < pair[0].split(",").length; f++) {
                String mine = pair[0].split(",")[f], theirs = pair[1].split(",")[f];
                lines.add("policy add src " + mine + " dst " + theirs + " dir out tmpl src " + me + " dst " + peer + " proto esp reqid 1 mode tunnel");
                lines.add("policy add src " + theirs + " dst " + mine + " dir in tmpl src " + peer + " dst " + me + " proto esp reqid 1 mode tunnel");
            }
        }
        return lines;
    }

    /** The transforms, with the key material length `ip xfrm` wants (key and 4-byte salt). */
    enum Transform {
        GCM128("rfc4106(gcm(aes))", 20), GCM256("rfc4106(gcm(aes))", 36), CHACHA("rfc7539esp(chacha20,poly1305)", 36);

        final String name;
        final int keyBytes;

        Transform(String name, int keyBytes) {
            this.name = name;
            this.keyBytes = keyBytes;
        }

        String randomKey(java.util.Random r) {
            byte[] k = new byte[keyBytes];
            r.nextBytes(k);
            return "0x" + java.util.HexFormat.of().formatHex(k);
        }
    }
}
