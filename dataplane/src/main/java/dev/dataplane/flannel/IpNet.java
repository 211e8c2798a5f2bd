package dev.dataplane.flannel;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** A subnet as flannel writes it ("10.42.1.0/24", "fd00:42:1::/64"): its first address is the node's device address. */
public record IpNet(InetAddress address, int prefix) {
    public static IpNet parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not a subnet (ADDR/LEN): " + text);
        InetAddress a = literal(text.substring(0, slash));
        int max = a.getAddress().length * 8;
        int len;
        try {
            len = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a prefix length: " + text);
        }
        if (len < 0 || len > max) throw new IllegalArgumentException("prefix length out of range: " + text);
        return new IpNet(a, len);
    }

    /** An IPv4 or IPv6 literal, never a name to look up. */
    public static InetAddress literal(String text) {
        if (!text.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) throw new IllegalArgumentException("not an IP address: " + text);
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + text);
        }
    }

    public boolean ipv6() {
        return address.getAddress().length == 16;
    }

    /** The node's own address on the flannel device: the subnet's first address, alone (/32 or /128). */
    public String hostAddress() {
        return address.getHostAddress() + "/" + (ipv6() ? 128 : 32);
    }

    public String ip() {
        return address.getHostAddress();
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefix;
    }
}
