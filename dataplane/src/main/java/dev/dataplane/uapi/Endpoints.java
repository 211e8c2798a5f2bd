package dev.dataplane.uapi;

import dev.dataplane.net.Printable;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Endpoints as UAPI writes them: "203.0.113.1:51820" or "[2001:db8::1]:51820". Literals only, no DNS. */
final class Endpoints {
    private Endpoints() {}

    static InetSocketAddress parse(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) throw invalid(value);
        String host = value.substring(0, colon);
        int port = Numbers.parse(value.substring(colon + 1), 0xffff, "endpoint port");
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!host.contains(":")) throw invalid(value);
        } else if (host.contains(":") || !host.matches("[0-9.]+")) {
            throw invalid(value);
        }
        return new InetSocketAddress(Prefixes.literal(host, value), port);
    }

    static String format(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        return ip instanceof Inet6Address ? "[" + host(ip) + "]:" + a.getPort() : host(ip) + ":" + a.getPort();
    }

    /** The address as Go's netip prints it: IPv6 in its shortest form, a zone only when there is one. */
    static String host(InetAddress ip) {
        String s = ip.getHostAddress();
        if (!(ip instanceof Inet6Address v6)) return s;
        if (v6.getScopeId() == 0 && v6.getScopedInterface() == null && s.indexOf('%') >= 0) s = s.substring(0, s.indexOf('%'));
        return compress(s);
    }

    /** The canonical short form of an IPv6 literal (Java prints every group). */
    static String compress(String full) {
        int pct = full.indexOf('%');
        String zone = pct < 0 ? "" : full.substring(pct);
        String addr = pct < 0 ? full : full.substring(0, pct);
        String[] groups = addr.split(":");
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && Integer.parseInt(groups[j], 16) == 0) j++;
            if (j - i > bestLen && j - i > 1) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < groups.length; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            sb.append(Integer.toHexString(Integer.parseInt(groups[i], 16)));
            if (i < groups.length - 1) sb.append(':');
        }
        return sb + zone;
    }

    private static UapiException invalid(String value) {
        return new UapiException(UapiException.EINVAL, "failed to set endpoint " + Printable.of(value));
    }
}
