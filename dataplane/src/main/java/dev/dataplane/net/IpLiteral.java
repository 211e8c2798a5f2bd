package dev.dataplane.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IPv4 and IPv6 address literals from configuration text (flags, `ip xfrm` lines, `wg` and `bridge fdb` syntax,
 * swanctl.conf, flannel's leases), never a name to look up: InetAddress.getByName would resolve anything that is
 * not a literal through DNS. IPv4 only in the dotted-quad form (not "10.1" or "10.0.0.1.2"); IPv6 without a zone.
 */
public final class IpLiteral {
    private IpLiteral() {}

    /** The address, or null if {@code text} is not an IPv4 or IPv6 literal. */
    public static InetAddress parseOrNull(String text) {
        if (text == null || text.isEmpty()) return null;
        if (text.indexOf(':') >= 0) {
            if (!text.matches("[0-9a-fA-F:.]+")) return null;
        } else if (!dottedQuad(text)) {
            return null;
        }
        try {
            return InetAddress.getByName(text);   // a literal: no lookup happens
        } catch (UnknownHostException malformed) {
            return null;
        }
    }

    /**
     * Like {@link #parseOrNull}, also taking an IPv6 address with a zone ("fe80::1%eth0", "fe80::1%2"), as a WireGuard
     * endpoint may carry one.
     */
    public static InetAddress parseScopedOrNull(String text) {
        int pct = text == null ? -1 : text.indexOf('%');
        if (pct < 0) return parseOrNull(text);
        if (!(parseOrNull(text.substring(0, pct)) instanceof Inet6Address) || !text.substring(pct + 1).matches("[a-zA-Z0-9.]+")) return null;
        try {
            return InetAddress.getByName(text);   // a literal with a zone: the zone is looked up among the interfaces, not in DNS
        } catch (UnknownHostException noSuchZone) {
            return null;
        }
    }

    /** The address; an {@link IllegalArgumentException} naming the text if it is not a literal. */
    public static InetAddress parse(String text) {
        InetAddress a = parseOrNull(text);
        if (a == null) throw new IllegalArgumentException("not an IPv4 or IPv6 address: \"" + Printable.of(text) + "\"");
        return a;
    }

    private static boolean dottedQuad(String text) {
        if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return false;
        for (String part : text.split("\\.")) if (Integer.parseInt(part) > 255) return false;
        return true;
    }
}
