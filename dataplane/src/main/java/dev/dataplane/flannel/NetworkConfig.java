package dev.dataplane.flannel;

import dev.dataplane.net.IpLiteral;
import dev.dataplane.json.Json;

import java.math.BigInteger;
import java.util.Map;

/**
 * flannel's network configuration (the JSON at PREFIX/config): the cluster networks, the subnet length per
 * node and the range subnets are taken from, with flannel's defaults (SubnetLen 24, or the network's prefix
 * plus 2 for small networks; IPv6 64; the range leaves out the first and the last subnet), and the Backend.
 */
public record NetworkConfig(IpNet network, int subnetLen, BigInteger subnetMin, BigInteger subnetMax,
                            IpNet ipv6Network, int ipv6SubnetLen, BigInteger ipv6SubnetMin, BigInteger ipv6SubnetMax,
                            Map<String, Object> backend) {

    public static NetworkConfig parse(String json) {
        Map<String, Object> c = Json.object(Json.parse(json), "the network config");
        boolean v4 = !Boolean.FALSE.equals(c.get("EnableIPv4"));
        boolean v6 = Boolean.TRUE.equals(c.get("EnableIPv6"));
        IpNet network = null, network6 = null;
        int len = 0, len6 = 0;
        BigInteger min = null, max = null, min6 = null, max6 = null;
        if (v4) {
            network = required(c, "Network", false);
            len = length(c, "SubnetLen", network, 24, 28, 30);
            min = bound(c, "SubnetMin", network, len, true);
            max = bound(c, "SubnetMax", network, len, false);
        }
        if (v6) {
            network6 = required(c, "IPv6Network", true);
            len6 = length(c, "IPv6SubnetLen", network6, 64, 124, 126);
            min6 = bound(c, "IPv6SubnetMin", network6, len6, true);
            max6 = bound(c, "IPv6SubnetMax", network6, len6, false);
        }
        if (network == null && network6 == null) throw new IllegalArgumentException("the network config enables neither IPv4 nor IPv6");
        Object backend = c.get("Backend");
        return new NetworkConfig(network, len, min, max, network6, len6, min6, max6,
                backend == null ? Map.of() : Json.object(backend, "Backend"));
    }

    public String backendType() {
        String t = Json.string(backend, "Type");
        return t.isEmpty() ? "udp" : t;
    }

    /** A number from the Backend section (flannel's wireguard: ListenPort, PersistentKeepaliveInterval, MTU), or {@code dflt}. */
    public long backendNumber(String name, long dflt) {
        Object v = backend.get(name);
        if (v == null) return dflt;
        if (v instanceof Number n) return n.longValue();
        throw new IllegalArgumentException("Backend." + name + " must be a number");
    }

    private static IpNet required(Map<String, Object> c, String name, boolean v6) {
        String s = Json.string(c, name);
        if (s.isEmpty()) throw new IllegalArgumentException("the network config has no " + name);
        IpNet n = IpNet.parse(s);
        if (n.ipv6() != v6) throw new IllegalArgumentException(name + " " + s + " is not an IPv" + (v6 ? 6 : 4) + " network");
        if (!n.equals(IpNet.of(n.value().shiftRight(bits(n) - n.prefix()).shiftLeft(bits(n) - n.prefix()), v6, n.prefix()))) {
            throw new IllegalArgumentException(name + " " + s + " has host bits set");
        }
        return n;
    }

    private static int length(Map<String, Object> c, String name, IpNet network, int dflt, int smallest, int longest) {
        Object v = c.get(name);
        int len;
        if (v == null || (v instanceof Number z && z.longValue() == 0)) {
            if (network.prefix() > smallest) throw new IllegalArgumentException("the network " + network + " is too small");
            len = network.prefix() <= dflt - 2 ? dflt : network.prefix() + 2;
        } else if (v instanceof Number n) {
            len = n.intValue();
            if (len > longest) throw new IllegalArgumentException(name + " must be at most " + longest);
            if (len < network.prefix() + 2) throw new IllegalArgumentException(name + " leaves room for fewer than four subnets of " + network);
        } else {
            throw new IllegalArgumentException(name + " must be a number");
        }
        return len;
    }

    private static BigInteger bound(Map<String, Object> c, String name, IpNet network, int len, boolean low) {
        BigInteger size = BigInteger.ONE.shiftLeft(bits(network) - len);
        String s = Json.string(c, name);
        if (s.isEmpty()) {
            BigInteger first = network.value();
            BigInteger end = first.add(BigInteger.ONE.shiftLeft(bits(network) - network.prefix()));
            return low ? first.add(size) : end.subtract(size);   // flannel skips the first subnet, keeps the last
        }
        IpNet at = new IpNet(IpLiteral.parse(s), bits(network));
        if (!network.contains(at)) throw new IllegalArgumentException(name + " " + s + " is not in " + network);
        if (!at.value().mod(size).equals(BigInteger.ZERO)) throw new IllegalArgumentException(name + " " + s + " is not on a /" + len + " boundary");
        return at.value();
    }

    private static int bits(IpNet n) {
        return n.ipv6() ? 128 : 32;
    }
}
