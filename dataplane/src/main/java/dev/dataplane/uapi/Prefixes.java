package dev.dataplane.uapi;

import dev.dataplane.net.IpLiteral;
import dev.dataplane.net.Printable;
import java.net.InetAddress;
import java.util.Map;

/** Allowed-IP prefixes as UAPI writes them: "10.0.0.0/24", "fd00::/64". */
final class Prefixes {
    private Prefixes() {}

    static Map.Entry<InetAddress, Integer> parse(String value) {
        int slash = value.indexOf('/');
        if (slash <= 0) throw invalid(value);
        String host = value.substring(0, slash);
        InetAddress address = literal(host, value);
        int max = address.getAddress().length * 8;
        int cidr = Numbers.parse(value.substring(slash + 1), max, "allowed ip prefix length");
        return Map.entry(address, cidr);
    }

    /** Parses an IP literal without ever consulting DNS. */
    static InetAddress literal(String host, String context) {
        InetAddress a = IpLiteral.parseScopedOrNull(host);
        if (a == null) throw invalid(context);
        return a;
    }

    private static UapiException invalid(String value) {
        return new UapiException(UapiException.EINVAL, "invalid IP address or prefix " + Printable.of(value));
    }
}
