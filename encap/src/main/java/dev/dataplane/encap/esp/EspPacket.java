package dev.dataplane.encap.esp;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The ESP packet of RFC 4303 as a combined-mode transform lays it out, read and written in place:
 *
 * <pre>
 *  SPI (4) | sequence number, low 32 bits (4) | IV (8) | payload | padding | pad length (1) | next header (1) | ICV
 * </pre>
 *
 * The payload, padding, pad length and next header are encrypted; the padding aligns them to 4 bytes (RFC 4106
 * and 7634 have no block size of their own) and holds 1, 2, 3, … as RFC 4303 asks and the kernel sends. In ESP-in-UDP
 * (RFC 3948) the same packet is a UDP payload on port 4500, beside IKE messages (which start with four zero bytes,
 * the non-ESP marker) and one-byte 0xff NAT-keepalives.
 */
public final class EspPacket {
    public static final int HEADER = 8;
    public static final int IV = 8;
    /** Header and IV: where the payload starts. */
    public static final int PAYLOAD = HEADER + IV;
    public static final int TRAILER = 2;
    public static final int NEXT_HEADER_IPV4 = 4, NEXT_HEADER_IPV6 = 41, NEXT_HEADER_NONE = 59;
    public static final int NAT_T_PORT = 4500;
    public static final int PROTOCOL = 50;

    private EspPacket() {}

    public static int spi(DirectBuffer b, int off) {
        return b.getInt(off, ByteOrder.BIG_ENDIAN);
    }

    public static long sequenceLow(DirectBuffer b, int off) {
        return b.getInt(off + 4, ByteOrder.BIG_ENDIAN) & 0xffff_ffffL;
    }

    /** Writes SPI, the low 32 bits of {@code sequence}, and the IV (the whole 64-bit sequence number, unique per SA). */
    public static void writeHeader(MutableDirectBuffer b, int off, int spi, long sequence) {
        b.putInt(off, spi, ByteOrder.BIG_ENDIAN);
        b.putInt(off + 4, (int) sequence, ByteOrder.BIG_ENDIAN);
        b.putLong(off + HEADER, sequence, ByteOrder.BIG_ENDIAN);
    }

    /** Bytes of padding after a payload of {@code len}, so payload + padding + trailer is a multiple of 4. */
    public static int padding(int len) {
        return (4 - ((len + TRAILER) & 3)) & 3;
    }

    /**
     * Writes padding 1, 2, … and the trailer after the payload of {@code len} bytes at {@code payloadOff}; returns
     * the length of payload + padding + trailer.
     */
    public static int writeTrailer(MutableDirectBuffer b, int payloadOff, int len, int nextHeader) {
        int pad = padding(len);
        int p = payloadOff + len;
        for (int i = 0; i < pad; i++) b.putByte(p + i, (byte) (i + 1));
        b.putByte(p + pad, (byte) pad);
        b.putByte(p + pad + 1, (byte) nextHeader);
        return len + pad + TRAILER;
    }

    /**
     * The payload length of a decrypted payload + padding + trailer of {@code len} bytes at {@code off}, or -1 if the
     * pad length does not fit.
     */
    public static int payloadLength(DirectBuffer b, int off, int len) {
        if (len < TRAILER) return -1;
        int pad = b.getByte(off + len - 2) & 0xff;
        int payload = len - TRAILER - pad;
        return payload < 0 ? -1 : payload;
    }

    public static int nextHeader(DirectBuffer b, int off, int len) {
        return b.getByte(off + len - 1) & 0xff;
    }

    /** An RFC 3948 NAT-keepalive: one byte, 0xff. */
    public static boolean isNatKeepalive(DirectBuffer b, int off, int len) {
        return len == 1 && (b.getByte(off) & 0xff) == 0xff;
    }

    /** An IKE message on the NAT-T port: it starts with the 4-byte non-ESP marker (zero, never a valid SPI). */
    public static boolean isNonEsp(DirectBuffer b, int off, int len) {
        return len >= 4 && b.getInt(off) == 0;
    }

    /**
     * The high 32 bits of an extended sequence number whose low half {@code low} arrived, given the highest
     * sequence number {@code top} seen so far and the replay window {@code window} (RFC 4303 appendix A2.2).
     */
    public static long inferHigh(long top, long low, int window) {
        long tl = top & 0xffff_ffffL, th = top >>> 32;
        long w = Math.max(window, 1);
        if (tl >= w - 1) {                                  // the window does not straddle a wrap of the low half
            return low >= tl - w + 1 ? th : th + 1;
        }
        long bottom = (tl - w + 1) & 0xffff_ffffL;          // it does: the bottom of the window is in the previous epoch
        return low >= bottom && th > 0 ? th - 1 : th;
    }
}
