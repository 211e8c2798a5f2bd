package dev.dataplane.esp;

import dev.dataplane.net.IpLiteral;
import dev.dataplane.net.Printable;
import dev.dataplane.crypto.ReplayWindow;
import dev.dataplane.crypto.esp.EspAead;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One line an operator gives `ip xfrm`, without the leading `ip xfrm` (tolerated if present), parsed into a
 * command. Nothing is applied here: {@link XfrmDatabase#apply} does that, all or nothing. Every refusal is an
 * {@link IllegalArgumentException} that names the word and why.
 *
 * <pre>
 * state add src A dst B proto esp spi SPI [reqid N] [mode tunnel] aead NAME KEY ICVBITS
 *           [encap espinudp SPORT DPORT OADDR] [replay-window N] [flag esn]
 * state del src A dst B proto esp spi SPI
 * state list | state flush
 * policy add src P dst Q dir out|in|fwd [priority N] tmpl src A dst B proto esp [reqid N] [mode tunnel] [level required]
 * policy del src P dst Q dir out|in|fwd
 * policy list | policy flush
 * </pre>
 */
final class XfrmLine {
    enum Op { STATE_ADD, STATE_DEL, STATE_LIST, STATE_FLUSH, POLICY_ADD, POLICY_DEL, POLICY_LIST, POLICY_FLUSH }

    final Op op;
    final SecurityAssociation state;    // STATE_ADD
    final InetAddress src, dst;         // STATE_DEL
    final int spi;                      // STATE_DEL
    final SecurityPolicy policy;        // POLICY_ADD, POLICY_DEL (its selector and direction)

    private XfrmLine(Op op, SecurityAssociation state, InetAddress src, InetAddress dst, int spi, SecurityPolicy policy) {
        this.op = op;
        this.state = state;
        this.src = src;
        this.dst = dst;
        this.spi = spi;
        this.policy = policy;
    }

    /** `state add` of an SA built elsewhere (by IKE). */
    static XfrmLine stateAdd(SecurityAssociation sa) {
        return new XfrmLine(Op.STATE_ADD, sa, null, null, 0, null);
    }

    /** `state del src S dst D proto esp spi N`. */
    static XfrmLine stateDel(InetAddress src, InetAddress dst, int spi) {
        return new XfrmLine(Op.STATE_DEL, null, src, dst, spi, null);
    }

    /** Splits on blanks, dropping quotes around a word ('rfc4106(gcm(aes))' as a shell would pass it). */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        for (String w : line.strip().split("\\s+")) {
            if (w.isEmpty()) continue;
            if (w.length() >= 2 && (w.startsWith("'") && w.endsWith("'") || w.startsWith("\"") && w.endsWith("\""))) {
                w = w.substring(1, w.length() - 1);
            }
            out.add(w);
        }
        if (out.size() >= 2 && out.get(0).equals("ip") && out.get(1).equals("xfrm")) out.subList(0, 2).clear();
        return out;
    }

    static XfrmLine parse(String line) {
        List<String> w = words(line);
        if (w.size() < 2) throw new IllegalArgumentException("expected state or policy, then add, del, list or flush");
        Cursor c = new Cursor(w.subList(2, w.size()));
        String object = w.get(0), verb = w.get(1);
        XfrmLine parsed = switch (object + " " + verb) {
            case "state add" -> new XfrmLine(Op.STATE_ADD, stateAdd(c), null, null, 0, null);
            case "state del", "state delete" -> stateDel(c);
            case "state list", "state show" -> new XfrmLine(Op.STATE_LIST, null, null, null, 0, null);
            case "state flush" -> new XfrmLine(Op.STATE_FLUSH, null, null, null, 0, null);
            case "policy add" -> new XfrmLine(Op.POLICY_ADD, null, null, null, 0, policy(c, true));
            case "policy del", "policy delete" -> new XfrmLine(Op.POLICY_DEL, null, null, null, 0, policy(c, false));
            case "policy list", "policy show" -> new XfrmLine(Op.POLICY_LIST, null, null, null, 0, null);
            case "policy flush" -> new XfrmLine(Op.POLICY_FLUSH, null, null, null, 0, null);
            default -> throw new IllegalArgumentException("unknown command \"" + Printable.of(object + " " + verb)
                    + "\" (state|policy add|del|list|flush)");
        };
        c.end();
        return parsed;
    }

    private static SecurityAssociation stateAdd(Cursor c) {
        InetAddress src = null, dst = null;
        Integer spi = null;
        int reqid = 0, icv = 0, replay = 0, sport = 0, dport = 0;
        String aead = null;
        byte[] key = null;
        boolean encap = false, esn = false;
        while (c.more()) {
            String k = c.next();
            switch (k) {
                case "src" -> src = IpLiteral.parse(c.value(k));
                case "dst" -> dst = IpLiteral.parse(c.value(k));
                case "proto" -> c.expect(k, "esp");
                case "spi" -> spi = (int) number(c.value(k), k, 1, 0xffff_ffffL);
                case "reqid" -> reqid = (int) number(c.value(k), k, 0, 0xffff_ffffL);
                case "mode" -> c.expect(k, "tunnel");
                case "aead" -> {
                    aead = c.value(k);
                    key = hex(c.value("aead key"));
                    icv = (int) number(c.value("aead ICV length"), "ICV length", 1, 1024);
                }
                case "enc", "auth", "auth-trunc", "comp" -> throw new IllegalArgumentException("\"" + k
                        + "\" transforms are not supported: use aead rfc4106(gcm(aes)) or rfc7539esp(chacha20,poly1305)");
                case "encap" -> {
                    c.expect(k, "espinudp");
                    sport = (int) number(c.value("encap sport"), "encap sport", 1, 65535);
                    dport = (int) number(c.value("encap dport"), "encap dport", 1, 65535);
                    IpLiteral.parse(c.value("encap oaddr"));
                    encap = true;
                }
                case "replay-window" -> replay = (int) number(c.value(k), k, 0, ReplayWindow.WINDOW);
                case "flag" -> {
                    String f = c.value(k);
                    switch (f) {
                        case "esn" -> esn = true;
                        case "af-unspec" -> { }   // inner packets of either family: always so here
                        default -> throw new IllegalArgumentException("flag \"" + Printable.of(f) + "\" is not supported (esn, af-unspec are)");
                    }
                }
                default -> throw new IllegalArgumentException("unexpected \"" + Printable.of(k) + "\"");
            }
        }
        if (src == null || dst == null) throw new IllegalArgumentException("state add needs src and dst");
        if (src.getAddress().length != dst.getAddress().length) throw new IllegalArgumentException("src and dst of different families");
        if (spi == null) throw new IllegalArgumentException("state add needs spi");
        if (aead == null) throw new IllegalArgumentException("state add needs aead NAME KEY ICVBITS");
        if (esn && replay == 0) throw new IllegalArgumentException("flag esn needs a replay-window above 0");
        EspAead transform = EspAead.of(aead, key, icv);
        return new SecurityAssociation(src, dst, spi, reqid, transform, key, icv, encap, sport, dport, replay, esn);
    }

    private static XfrmLine stateDel(Cursor c) {
        InetAddress src = null, dst = null;
        Integer spi = null;
        while (c.more()) {
            String k = c.next();
            switch (k) {
                case "src" -> src = IpLiteral.parse(c.value(k));
                case "dst" -> dst = IpLiteral.parse(c.value(k));
                case "proto" -> c.expect(k, "esp");
                case "spi" -> spi = (int) number(c.value(k), k, 1, 0xffff_ffffL);
                default -> throw new IllegalArgumentException("unexpected \"" + Printable.of(k) + "\"");
            }
        }
        if (src == null || dst == null || spi == null) throw new IllegalArgumentException("state del needs src, dst and spi");
        return new XfrmLine(Op.STATE_DEL, null, src, dst, spi, null);
    }

    private static SecurityPolicy policy(Cursor c, boolean add) {
        Selector src = null, dst = null;
        SecurityPolicy.Direction dir = null;
        int priority = 0, reqid = 0;
        InetAddress tsrc = null, tdst = null;
        boolean tmpl = false;
        while (c.more()) {
            String k = c.next();
            switch (k) {
                case "src" -> {
                    if (tmpl) tsrc = IpLiteral.parse(c.value(k));
                    else src = Selector.parse(c.value(k));
                }
                case "dst" -> {
                    if (tmpl) tdst = IpLiteral.parse(c.value(k));
                    else dst = Selector.parse(c.value(k));
                }
                case "dir" -> {
                    String d = c.value(k);
                    dir = switch (d) {
                        case "out" -> SecurityPolicy.Direction.OUT;
                        case "in" -> SecurityPolicy.Direction.IN;
                        case "fwd" -> SecurityPolicy.Direction.FWD;
                        default -> throw new IllegalArgumentException("dir must be out, in or fwd: \"" + Printable.of(d) + "\"");
                    };
                }
                case "priority" -> priority = (int) number(c.value(k), k, 0, 0xffff_ffffL);
                case "ptype" -> c.expect(k, "main");
                case "action" -> c.expect(k, "allow");
                case "tmpl" -> {
                    if (!add) throw new IllegalArgumentException("policy del takes no tmpl");
                    tmpl = true;
                }
                case "proto" -> {
                    if (!tmpl) throw new IllegalArgumentException("selector protocols are not supported (proto belongs to tmpl)");
                    c.expect(k, "esp");
                }
                case "reqid" -> reqid = (int) number(c.value(k), k, 0, 0xffff_ffffL);
                case "mode" -> c.expect(k, "tunnel");
                case "level" -> c.expect(k, "required");
                default -> throw new IllegalArgumentException("unexpected \"" + Printable.of(k) + "\"");
            }
        }
        if (src == null || dst == null || dir == null) throw new IllegalArgumentException("policy needs src, dst and dir");
        if (src.ipv6 != dst.ipv6) throw new IllegalArgumentException("selector src and dst of different families");
        if (add) {
            if (tsrc == null || tdst == null) throw new IllegalArgumentException("policy add needs tmpl src A dst B proto esp");
            if (tsrc.getAddress().length != tdst.getAddress().length) throw new IllegalArgumentException("tmpl src and dst of different families");
        }
        return new SecurityPolicy(src, dst, dir, priority, tsrc, tdst, reqid);
    }

    private static long number(String text, String what, long min, long max) {
        try {
            long n = text.startsWith("0x") || text.startsWith("0X") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(what + " must be " + min + " to " + max + ": \"" + Printable.of(text) + "\"");
    }

    private static byte[] hex(String text) {
        if (!text.startsWith("0x") || text.length() % 2 != 0 || text.length() < 4) {
            throw new IllegalArgumentException("key must be 0x followed by an even number of hex digits");
        }
        try {
            return HexFormat.of().parseHex(text.substring(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key must be 0x followed by an even number of hex digits");
        }
    }


    private static final class Cursor {
        private final List<String> words;
        private int at;

        Cursor(List<String> words) {
            this.words = words;
        }

        boolean more() {
            return at < words.size();
        }

        String next() {
            return words.get(at++);
        }

        String value(String key) {
            if (!more()) throw new IllegalArgumentException(key + " needs a value");
            return next();
        }

        void expect(String key, String only) {
            String v = value(key);
            if (!v.equals(only)) throw new IllegalArgumentException(key + " \"" + Printable.of(v) + "\" is not supported (only " + only + ")");
        }

        void end() {
            if (more()) throw new IllegalArgumentException("unexpected \"" + Printable.of(words.get(at)) + "\"");
        }
    }
}
