package dev.dataplane.flannel;

import dev.dataplane.net.IpLiteral;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

/**
 * What flannel's extension backend tells a command through its environment: NETWORK, SUBNET and IPV6SUBNET,
 * PUBLIC_IP and PUBLIC_IPV6. flannel prints an absent value as its zero ("0.0.0.0/0", "0.0.0.0", "&lt;nil&gt;") or
 * leaves it empty; all of those read as absent here, so IPv4-only, dual-stack and IPv6-only nodes look alike.
 */
public record FlannelEnv(Optional<IpNet> network, Optional<IpNet> subnet, Optional<IpNet> ipv6Subnet,
                         Optional<InetAddress> publicIp, Optional<InetAddress> publicIpv6) {

    public static FlannelEnv from(Map<String, String> env) {
        return new FlannelEnv(net(env, "NETWORK"), net(env, "SUBNET"), net(env, "IPV6SUBNET"),
                address(env, "PUBLIC_IP"), address(env, "PUBLIC_IPV6"));
    }

    /** The remote node's underlay address: IPv4 when it has one (flannel's own choice), else IPv6. */
    public Optional<InetAddress> publicAddress() {
        return publicIp.isPresent() ? publicIp : publicIpv6;
    }

    public boolean hasSubnet() {
        return subnet.isPresent() || ipv6Subnet.isPresent();
    }

    private static Optional<IpNet> net(Map<String, String> env, String name) {
        String v = value(env, name);
        if (v == null) return Optional.empty();
        try {
            IpNet n = IpNet.parse(v);
            return n.prefix() == 0 && n.address().isAnyLocalAddress() ? Optional.empty() : Optional.of(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + "=" + v + ": " + e.getMessage());
        }
    }

    private static Optional<InetAddress> address(Map<String, String> env, String name) {
        String v = value(env, name);
        if (v == null) return Optional.empty();
        try {
            InetAddress a = IpLiteral.parse(v);
            return a.isAnyLocalAddress() ? Optional.empty() : Optional.of(a);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + "=" + v + ": " + e.getMessage());
        }
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null) return null;
        v = v.strip();
        return v.isEmpty() || v.equals("<nil>") ? null : v;
    }
}
