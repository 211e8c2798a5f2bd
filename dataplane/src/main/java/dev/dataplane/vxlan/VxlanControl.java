package dev.dataplane.vxlan;

import dev.dataplane.net.IpLiteral;
import dev.dataplane.net.Printable;
import dev.dataplane.encap.ethernet.EthernetFrame;
import dev.dataplane.uapi.CommandSession;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The VXLAN device's control protocol, served on /var/run/dataplane/NAME.sock and spoken by
 * `dataplane ctl NAME …`: one command per line, modelled on `bridge fdb`; each answered by its output, an
 * {@code error=…} line if it failed, and {@code errno=N} and a blank line. A refused command changes nothing.
 *
 * <pre>
 * fdb add|append|replace LLADDR [dev NAME] dst ADDR [port PORT] [vni VNI] [self] [permanent|static|dynamic]
 * fdb del LLADDR [dev NAME] [dst ADDR [port PORT] [vni VNI]] [self]
 * fdb show [dynamic]
 * fdb flush [dynamic]
 * show
 * </pre>
 */
public final class VxlanControl {

    private final VxlanDevice device;
    private final Consumer<String> log;

    public VxlanControl(VxlanDevice device, Consumer<String> log) {
        this.device = device;
        this.log = log;
    }

    /** Serves commands until the client closes. */
    public boolean serve(BufferedReader in, Writer out) throws IOException {
        return new CommandSession(this::execute, log, line -> line).serve(in, out);
    }

    /** Runs one command; throws {@link IllegalArgumentException} (naming what is wrong) before changing anything. */
    void execute(String line, StringBuilder out) {
        List<String> words = List.of(line.split("\\s+"));
        String what = words.getFirst();
        switch (what) {
            case "show" -> {
                expectEnd(words, 1);
                out.append(device.name()).append(": ").append(device.config().describe()).append('\n');
                out.append("fdb entries ").append(device.fdb().size()).append(", rx packets ").append(device.rxPackets())
                        .append(", tx packets ").append(device.txPackets()).append('\n');
            }
            case "fdb" -> fdb(words.subList(1, words.size()), out);
            default -> throw new IllegalArgumentException("unknown command \"" + Printable.of(what) + "\" (fdb, show)");
        }
    }

    private void fdb(List<String> words, StringBuilder out) {
        if (words.isEmpty()) throw new IllegalArgumentException("fdb needs add, append, replace, del, show or flush");
        String op = words.getFirst();
        Fdb fdb = device.fdb();
        switch (op) {
            case "show", "flush" -> {
                boolean dynamicOnly = words.size() == 2 && words.get(1).equals("dynamic");
                if (!dynamicOnly) expectEnd(words, 1);
                if (op.equals("flush")) {
                    fdb.flush(dynamicOnly);
                    return;
                }
                VxlanConfig c = device.config();
                for (FdbEntry e : fdb.entries()) {
                    if (!dynamicOnly || e.state() == FdbEntry.State.DYNAMIC) e.print(out, device.name(), c.port(), c.vni());
                }
            }
            case "add", "append", "replace", "del", "delete" -> {
                FdbLine l = FdbLine.parse(words.subList(1, words.size()), device, !op.startsWith("del"));
                long now = device.clock().nanos();
                switch (op) {
                    case "add" -> fdb.add(l.mac, l.vtep, l.state, now);
                    case "append" -> fdb.append(l.mac, l.vtep, l.state, now);
                    case "replace" -> fdb.replace(l.mac, l.vtep, l.state, now);
                    default -> fdb.delete(l.mac, l.vtep);
                }
            }
            default -> throw new IllegalArgumentException("unknown fdb command \"" + Printable.of(op) + "\"");
        }
    }

    private static void expectEnd(List<String> words, int n) {
        if (words.size() > n) throw new IllegalArgumentException("unexpected \"" + Printable.of(words.get(n)) + "\"");
    }


    /** The arguments of `bridge fdb add|append|replace|del`: LLADDR [dev NAME] dst ADDR [port N] [vni N] [flags]. */
    static final class FdbLine {
        long mac;
        Vtep vtep;
        FdbEntry.State state = FdbEntry.State.PERMANENT;

        static FdbLine parse(List<String> words, VxlanDevice device, boolean needsDst) {
            if (words.isEmpty()) throw new IllegalArgumentException("missing LLADDR");
            FdbLine l = new FdbLine();
            l.mac = EthernetFrame.parse(words.getFirst());
            VxlanConfig c = device.config();
            InetAddress dst = null;
            int port = c.port(), vni = c.vni();
            List<String> rest = new ArrayList<>(words.subList(1, words.size()));
            while (!rest.isEmpty()) {
                String w = rest.removeFirst();
                switch (w) {
                    case "dev" -> {
                        String dev = value(rest, w);
                        if (!dev.equals(device.name())) throw new IllegalArgumentException("this is " + device.name() + ", not " + Printable.of(dev));
                    }
                    case "dst" -> dst = address(value(rest, w));
                    case "port", "dst_port" -> port = number(value(rest, w), w, 1, 65535);
                    case "vni" -> vni = number(value(rest, w), w, 0, dev.dataplane.encap.vxlan.VxlanHeader.MAX_VNI);
                    case "self" -> { }   // the vxlan device's own table: the only one here
                    case "permanent" -> l.state = FdbEntry.State.PERMANENT;
                    case "static" -> l.state = FdbEntry.State.STATIC;
                    case "dynamic" -> l.state = FdbEntry.State.DYNAMIC;
                    case "master", "router", "use", "extern_learn", "sticky", "src_vni", "via", "nhid" ->
                            throw new IllegalArgumentException("\"" + w + "\" is not supported by this device");
                    default -> throw new IllegalArgumentException("unexpected \"" + Printable.of(w) + "\"");
                }
            }
            if (dst == null) {
                if (needsDst) throw new IllegalArgumentException("missing dst ADDR (the remote VTEP)");
                return l;   // del without dst: the whole entry
            }
            VxlanConfig.checkFamily(c.local(), dst);
            l.vtep = new Vtep(dst, port, vni);
            return l;
        }

        private static String value(List<String> rest, String key) {
            if (rest.isEmpty()) throw new IllegalArgumentException(key + " needs a value");
            return rest.removeFirst();
        }

        private static InetAddress address(String text) {
            InetAddress a = IpLiteral.parseOrNull(text);
            if (a == null) throw new IllegalArgumentException("dst must be an IPv4 or IPv6 address: \"" + Printable.of(text) + "\"");
            return a;
        }

        private static int number(String text, String key, int min, int max) {
            try {
                int n = Integer.parseInt(text);
                if (n >= min && n <= max) return n;
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(key + " must be " + min + " to " + max + ": \"" + Printable.of(text) + "\"");
        }
    }
}
