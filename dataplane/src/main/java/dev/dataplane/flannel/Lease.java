package dev.dataplane.flannel;

import dev.dataplane.net.IpLiteral;
import dev.dataplane.json.Json;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node's subnet lease as flanneld stores it in etcd: the key PREFIX/subnets/10.42.1.0-24 (with
 * "&amp;fd00:42:0:1::-64" for dual stack) and a JSON value of its attributes (PublicIP, PublicIPv6, BackendType,
 * BackendData, BackendV6Data). For the wireguard backend, BackendData is {"PublicKey": …, "Port": …}.
 */
public record Lease(IpNet subnet, IpNet ipv6Subnet, InetAddress publicIp, InetAddress publicIpv6, String backendType,
                    Map<String, Object> backendData, Map<String, Object> backendV6Data) {
    private static final Pattern KEY = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)-(\\d+)(?:&([a-f\\d:]+)-(\\d+))?$");

    /** The last part of the etcd key: flannel's MakeSubnetKey. */
    public String keyName() {
        return subnet.keyPart() + (ipv6Subnet == null ? "" : "&" + ipv6Subnet.keyPart());
    }

    public static Lease parse(String key, String json) {
        Matcher m = KEY.matcher(key);
        if (!m.find()) throw new IllegalArgumentException("not a subnet lease key: " + key);
        IpNet sn = IpNet.parse(m.group(1) + "/" + m.group(2));
        IpNet sn6 = m.group(3) == null ? null : IpNet.parse(m.group(3) + "/" + m.group(4));
        Map<String, Object> a = Json.object(Json.parse(json), "the lease of " + key);
        return new Lease(sn, sn6, address(a, "PublicIP"), address(a, "PublicIPv6"), Json.string(a, "BackendType"),
                data(a, "BackendData"), data(a, "BackendV6Data"));
    }

    public String toJson() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("PublicIP", publicIp == null ? "0.0.0.0" : IpNet.text(publicIp));
        a.put("PublicIPv6", publicIpv6 == null ? null : IpNet.text(publicIpv6));
        a.put("BackendType", backendType);
        if (backendData != null) a.put("BackendData", backendData);
        if (backendV6Data != null) a.put("BackendV6Data", backendV6Data);
        return Json.write(a);
    }

    /** The WireGuard public key in its backend data (the IPv4 data, else the IPv6), or null. */
    public String publicKey() {
        Map<String, Object> d = backendData != null ? backendData : backendV6Data;
        return d == null ? null : Json.string(d, "PublicKey");
    }

    /** The WireGuard port in its backend data, or {@code dflt} when it gives none (flannel's own fallback). */
    public int port(int dflt) {
        Map<String, Object> d = backendData != null ? backendData : backendV6Data;
        return d != null && d.get("Port") instanceof Number n && n.intValue() > 0 && n.intValue() < 65536 ? n.intValue() : dflt;
    }

    /** As the extension-backend steps see a remote node: its subnets and public addresses. */
    public FlannelEnv asEnv(IpNet network) {
        return new FlannelEnv(java.util.Optional.ofNullable(network), java.util.Optional.ofNullable(subnet.prefix() == 0 ? null : subnet),
                java.util.Optional.ofNullable(ipv6Subnet),
                java.util.Optional.ofNullable(publicIp), java.util.Optional.ofNullable(publicIpv6));
    }

    private static InetAddress address(Map<String, Object> a, String name) {
        String s = Json.string(a, name);
        if (s.isEmpty()) return null;
        InetAddress ip = IpLiteral.parse(s);
        return ip.isAnyLocalAddress() ? null : ip;
    }

    private static Map<String, Object> data(Map<String, Object> a, String name) {
        Object v = a.get(name);
        return v == null ? null : Json.object(v, name);
    }
}
