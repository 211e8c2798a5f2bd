package dev.dataplane.esp;

import java.net.InetAddress;

/**
 * One policy, as `ip xfrm policy add src P dst Q dir out|in|fwd [priority N] tmpl src A dst B proto esp reqid R
 * mode tunnel` describes it: which inner packets it covers, and the SA template (outer addresses and reqid) they
 * go through (out) or must have come through (in, fwd).
 */
record SecurityPolicy(Selector src, Selector dst, Direction dir, int priority, InetAddress tmplSrc, InetAddress tmplDst,
                      int reqid) {
    enum Direction {
        OUT, IN, FWD;

        String word() {
            return name().toLowerCase();
        }
    }

    /** The same policy as far as `ip xfrm policy add` refuses a second one (EEXIST): selector and direction. */
    boolean sameKey(SecurityPolicy o) {
        return src.sameAs(o.src) && dst.sameAs(o.dst) && dir == o.dir;
    }

    /** Does SA {@code sa} fill this policy's template? A reqid of 0 matches any. */
    boolean template(SecurityAssociation sa) {
        return sa.src.equals(tmplSrc) && sa.dst.equals(tmplDst) && (reqid == 0 || sa.reqid == reqid);
    }

    /** More specific first: longer destination prefix, then longer source prefix, then lower priority value. */
    static int order(SecurityPolicy a, SecurityPolicy b) {
        if (a.dst.length != b.dst.length) return b.dst.length - a.dst.length;
        if (a.src.length != b.src.length) return b.src.length - a.src.length;
        return Integer.compare(a.priority, b.priority);
    }

    void print(StringBuilder out) {
        out.append("src ").append(src).append(" dst ").append(dst).append('\n');
        out.append("\tdir ").append(dir.word()).append(" priority ").append(priority & 0xffffffffL).append('\n');
        out.append("\ttmpl src ").append(Selector.host(tmplSrc)).append(" dst ").append(Selector.host(tmplDst)).append('\n');
        out.append("\t\tproto esp reqid ").append(reqid & 0xffffffffL).append(" mode tunnel\n");
    }
}
