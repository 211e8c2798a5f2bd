package dev.dataplane.interop;

import java.nio.ByteBuffer;

/**
 * Builds and reads IPv4 ICMP echo packets for the interop tests. Checksums are computed here, in test code,
 * independently of the project's own checksum helpers.
 */
final class Icmp {
    static final int ECHO_REPLY = 0;
    static final int ECHO_REQUEST = 8;

    private Icmp() {}

    static byte[] echo(byte[] src, byte[] dst, int type, int id, int seq, byte[] payload) {
        int icmpLen = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(20 + icmpLen);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + icmpLen)).putShort((short) 0x1234)
                .putShort((short) 0x4000).put((byte) 64).put((byte) 1).putShort((short) 0).put(src).put(dst);
        b.putShort(10, (short) checksum(b.array(), 0, 20));
        b.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) seq).put(payload);
        b.putShort(22, (short) checksum(b.array(), 20, icmpLen));
        return b.array();
    }

    /** The echo reply a host would send for {@code request} (an IPv4 ICMP echo request). */
    static byte[] replyTo(byte[] request, int len) {
        int ihl = (request[0] & 0x0f) * 4;
        byte[] src = java.util.Arrays.copyOfRange(request, 12, 16);
        byte[] dst = java.util.Arrays.copyOfRange(request, 16, 20);
        int id = ((request[ihl + 4] & 0xff) << 8) | (request[ihl + 5] & 0xff);
        int seq = ((request[ihl + 6] & 0xff) << 8) | (request[ihl + 7] & 0xff);
        byte[] payload = java.util.Arrays.copyOfRange(request, ihl + 8, len);
        return echo(dst, src, ECHO_REPLY, id, seq, payload);
    }

    static boolean isEcho(byte[] p, int len, int type) {
        if (len < 28 || (p[0] & 0xf0) != 0x40 || p[9] != 1) return false;
        int ihl = (p[0] & 0x0f) * 4;
        int total = ((p[2] & 0xff) << 8) | (p[3] & 0xff);
        return total <= len && (p[ihl] & 0xff) == type && checksum(p, 0, ihl) == 0 && checksum(p, ihl, total - ihl) == 0;
    }

    static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        if ((len & 1) != 0) sum += (b[off + len - 1] & 0xff) << 8;
        while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (int) (~sum & 0xffff);
    }
}
