package dev.dataplane.uapi;

import java.net.InetAddress;
import java.net.UnknownHostException;
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
        boolean v6 = host.contains(":");
        if (host.isEmpty() || !(v6 ? host.matches("[0-9a-fA-F:.%a-zA-Z0-9]+") : host.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            throw invalid(context);
        }
        if (!v6) {
            for (String part : host.split("\\.")) if (Integer.parseInt(part) > 255) throw invalid(context);
        }
        try {
            return InetAddress.getByName(host); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            throw invalid(context);
        }
    }

    private static UapiException invalid(String value) {
        return new UapiException(UapiException.EINVAL, "invalid IP address or prefix " + UapiProtocol.printable(value));
    }
}
