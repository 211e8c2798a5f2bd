package dev.dataplane.encap.ethernet;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * Fields of an Ethernet II frame in a buffer, without allocating. MAC addresses travel as the low 48 bits of a
 * long (first byte on the wire = most significant), so a forwarding table can key on them directly.
 */
public final class EthernetFrame {
    public static final int HEADER = 14;
    /** The shortest frame without its FCS (60 bytes): what a TAP device or a vxlan peer sends at least. */
    public static final int MIN_FRAME = 60;
    public static final int ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_ARP = 0x0806, ETHERTYPE_IPV6 = 0x86DD;
    public static final long BROADCAST = 0xffff_ffff_ffffL;

    private EthernetFrame() {}

    public static long destination(DirectBuffer b, int off) {
        return mac(b, off);
    }

    public static long source(DirectBuffer b, int off) {
        return mac(b, off + 6);
    }

    public static int etherType(DirectBuffer b, int off) {
        return b.getShort(off + 12, ByteOrder.BIG_ENDIAN) & 0xffff;
    }

    /** Group (multicast or broadcast) addresses have the least significant bit of the first byte set. */
    public static boolean isMulticast(long mac) {
        return (mac & 0x0100_0000_0000L) != 0;
    }

    private static long mac(DirectBuffer b, int off) {
        return (b.getShort(off, ByteOrder.BIG_ENDIAN) & 0xffffL) << 32 | (b.getInt(off + 2, ByteOrder.BIG_ENDIAN) & 0xffff_ffffL);
    }

    /** {@code 0a:1b:2c:3d:4e:5f}, as iproute2 prints it. */
    public static String format(long mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (shift != 40) sb.append(':');
            sb.append(HexFormat.of().toHexDigits((byte) (mac >>> shift)));
        }
        return sb.toString();
    }

    /** Parses {@code 0a:1b:2c:3d:4e:5f} (or with dashes); throws {@link IllegalArgumentException} naming the text. */
    public static long parse(String text) {
        String[] parts = text.split("[:-]", -1);
        if (parts.length != 6) throw new IllegalArgumentException("not a MAC address: \"" + text + "\"");
        long mac = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2) throw new IllegalArgumentException("not a MAC address: \"" + text + "\"");
            try {
                mac = mac << 8 | HexFormat.fromHexDigits(p);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a MAC address: \"" + text + "\"");
            }
        }
        return mac;
    }
}
