package dev.dataplane.esp.ike;

import dev.dataplane.net.IpLiteral;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An IKE identity (RFC 7296 §3.5) written as strongSwan writes it: an IP address (ID_IPV4_ADDR, ID_IPV6_ADDR),
 * "@name" or a dotted name (ID_FQDN), "user@host" (ID_RFC822_ADDR), or "%any" (matches any, remote only).
 */
record Identity(int type, byte[] data) {
    static final int IPV4 = 1, FQDN = 2, RFC822 = 3, IPV6 = 5, KEY_ID = 11, ANY = 0;

    static Identity parse(String text) {
        String t = text.strip();
        if (t.equals("%any")) return new Identity(ANY, new byte[0]);
        InetAddress a = IpLiteral.parseOrNull(t);
        if (a != null) return new Identity(a.getAddress().length == 4 ? IPV4 : IPV6, a.getAddress());
        if (t.startsWith("@#")) return new Identity(KEY_ID, java.util.HexFormat.of().parseHex(t.substring(2)));
        if (t.startsWith("@")) return new Identity(FQDN, t.substring(1).getBytes(StandardCharsets.US_ASCII));
        if (t.contains("@")) return new Identity(RFC822, t.getBytes(StandardCharsets.US_ASCII));
        if (t.isEmpty()) throw new IllegalArgumentException("empty identity");
        return new Identity(FQDN, t.getBytes(StandardCharsets.US_ASCII));
    }

    static Identity of(InetAddress a) {
        return new Identity(a.getAddress().length == 4 ? IPV4 : IPV6, a.getAddress());
    }

    /** The ID payload body: type, three reserved bytes, data. */
    byte[] body() {
        byte[] b = new byte[4 + data.length];
        b[0] = (byte) type;
        System.arraycopy(data, 0, b, 4, data.length);
        return b;
    }

    static Identity fromBody(byte[] body) {
        if (body.length < 5) throw new IllegalArgumentException("ID payload too short");
        return new Identity(body[0] & 0xff, Arrays.copyOfRange(body, 4, body.length));
    }

    boolean matches(Identity other) {
        return type == ANY || other.type == ANY || type == other.type && Arrays.equals(data, other.data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Identity i && i.type == type && Arrays.equals(i.data, data);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return switch (type) {
            case ANY -> "%any";
            case IPV4, IPV6 -> {
                try {
                    yield InetAddress.getByAddress(data).getHostAddress();
                } catch (java.net.UnknownHostException e) {
                    yield "?";
                }
            }
            case KEY_ID -> "@#" + java.util.HexFormat.of().formatHex(data);
            default -> new String(data, StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7e]", "?");
        };
    }
}
