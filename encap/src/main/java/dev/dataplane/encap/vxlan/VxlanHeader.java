package dev.dataplane.encap.vxlan;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The 8-byte VXLAN header (RFC 7348) and its Group Based Policy extension (draft-smith-vxlan-group-policy,
 * the Linux vxlan device's {@code gbp} option), read and written in place.
 *
 * <pre>
 *  0: flags  G . . . I . . .   (I = VNI valid; G = GBP present)
 *  1: GBP    . D . . A . . .   (D = don't learn; A = policy applied); reserved without GBP
 *  2: GBP group policy ID (16 bits); reserved without GBP
 *  4: VNI (24 bits), then 8 reserved bits
 * </pre>
 *
 * Validation follows the kernel's receive path: the I flag must be set, and every bit neither it nor an
 * enabled extension defines must be zero, or the packet is dropped.
 */
public final class VxlanHeader {
    public static final int LENGTH = 8;
    /** Outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14): what flannel subtracts from the MTU. */
    public static final int OVERHEAD_IPV4 = 50;
    /** The same over IPv6 (a 40-byte outer header). */
    public static final int OVERHEAD_IPV6 = 70;
    public static final int DEFAULT_PORT = 8472;   // the Linux default and flannel's; IANA's is 4789
    public static final int MAX_VNI = (1 << 24) - 1;

    static final int FLAG_I = 0x08, FLAG_G = 0x80;
    static final int GBP_DONT_LEARN = 0x40, GBP_POLICY_APPLIED = 0x08;

    /** What {@link #check} found. */
    public static final int OK = 0, TRUNCATED = 1, BAD_FLAGS = 2;

    private VxlanHeader() {}

    /** Checks the header at {@code off} of a datagram of {@code len} bytes; {@code gbp}: the extension is on. */
    public static int check(DirectBuffer b, int off, int len, boolean gbp) {
        if (len < LENGTH) return TRUNCATED;
        int word = b.getInt(off, ByteOrder.BIG_ENDIAN);
        if ((word >>> 24 & FLAG_I) == 0 || (b.getByte(off + 7) != 0)) return BAD_FLAGS;
        int allowed = FLAG_I << 24;
        if (gbp && (word >>> 24 & FLAG_G) != 0) allowed |= FLAG_G << 24 | (GBP_DONT_LEARN | GBP_POLICY_APPLIED) << 16 | 0xffff;
        return (word & ~allowed) == 0 ? OK : BAD_FLAGS;
    }

    public static int vni(DirectBuffer b, int off) {
        return b.getInt(off + 4, ByteOrder.BIG_ENDIAN) >>> 8;
    }

    /** True if a GBP header is present (the G flag). */
    public static boolean hasGbp(DirectBuffer b, int off) {
        return (b.getByte(off) & FLAG_G) != 0;
    }

    /** The GBP header asks receivers not to learn the source (D flag). */
    public static boolean dontLearn(DirectBuffer b, int off) {
        return hasGbp(b, off) && (b.getByte(off + 1) & GBP_DONT_LEARN) != 0;
    }

    public static int groupPolicyId(DirectBuffer b, int off) {
        return hasGbp(b, off) ? b.getShort(off + 2, ByteOrder.BIG_ENDIAN) & 0xffff : 0;
    }

    /** Writes a plain header: I flag and {@code vni}. */
    public static void write(MutableDirectBuffer b, int off, int vni) {
        b.putInt(off, FLAG_I << 24, ByteOrder.BIG_ENDIAN);
        b.putInt(off + 4, vni << 8, ByteOrder.BIG_ENDIAN);
    }

    /**
     * Writes a header with GBP: as the kernel does, the G flag only when {@code groupPolicyId} is not zero
     * (a zero group is sent as a plain header).
     */
    public static void writeGbp(MutableDirectBuffer b, int off, int vni, int groupPolicyId, boolean dontLearn, boolean policyApplied) {
        if (groupPolicyId == 0 && !dontLearn && !policyApplied) {
            write(b, off, vni);
            return;
        }
        int gbpFlags = (dontLearn ? GBP_DONT_LEARN : 0) | (policyApplied ? GBP_POLICY_APPLIED : 0);
        b.putInt(off, (FLAG_I | FLAG_G) << 24 | gbpFlags << 16 | (groupPolicyId & 0xffff), ByteOrder.BIG_ENDIAN);
        b.putInt(off + 4, vni << 8, ByteOrder.BIG_ENDIAN);
    }
}
