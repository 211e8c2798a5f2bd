package dev.dataplane.flannel;

import dev.dataplane.net.IpLiteral;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** A subnet as flannel writes it ("10.42.1.0/24", "fd00:42:1::/64"): its first address is the node's device address. */
public record IpNet(InetAddress address, int prefix) {
    public static IpNet parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not a subnet (ADDR/LEN): " + text);
        InetAddress a = IpLiteral.parse(text.substring(0, slash));
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

    /** The subnet from a number (the address as an unsigned integer) and a prefix length. */
    public static IpNet of(java.math.BigInteger value, boolean ipv6, int prefix) {
        byte[] raw = value.toByteArray();
        byte[] a = new byte[ipv6 ? 16 : 4];
        int n = Math.min(raw.length, a.length);
        System.arraycopy(raw, raw.length - n, a, a.length - n, n);
        try {
            return new IpNet(InetAddress.getByAddress(a), prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public java.math.BigInteger value() {
        return new java.math.BigInteger(1, address.getAddress());
    }

    /** How many addresses one subnet of this length holds, as a number to step by. */
    public java.math.BigInteger size() {
        return java.math.BigInteger.ONE.shiftLeft(address.getAddress().length * 8 - prefix);
    }

    public boolean contains(IpNet other) {
        if (other.ipv6() != ipv6() || other.prefix < prefix) return false;
        int shift = address.getAddress().length * 8 - prefix;
        return other.value().shiftRight(shift).equals(value().shiftRight(shift));
    }

    public boolean overlaps(IpNet other) {
        return contains(other) || other.contains(this);
    }

    /** As flannel writes it in a lease key: "10.42.1.0-24", "fd00:42:0:1::-64" (IPv6 in its shortest form). */
    public String keyPart() {
        return text(address) + "-" + prefix;
    }

    /** An address in its canonical text: IPv6 lower-case with the longest run of zero groups as "::" (RFC 5952). */
    public static String text(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) return a.getHostAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    public boolean ipv6() {
        return address.getAddress().length == 16;
    }

    /** The node's own address on the flannel device: the subnet's first address, alone (/32 or /128). */
    public String hostAddress() {
        return text(address) + "/" + (ipv6() ? 128 : 32);
    }

    public String ip() {
        return text(address);
    }

    @Override
    public String toString() {
        return text(address) + "/" + prefix;
    }
}
