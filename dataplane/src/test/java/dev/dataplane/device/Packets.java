package dev.dataplane.device;

import java.nio.ByteBuffer;

/** Hand-built inner IPv4/IPv6 UDP packets for engine tests; the engine only reads their headers. */
final class Packets {
    private Packets() {}

    static byte[] ipv4(int src, int dst, int payloadLen, int seq) {
        ByteBuffer b = ByteBuffer.allocate(28 + payloadLen);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (28 + payloadLen)).putShort((short) seq)
                .putShort((short) 0).put((byte) 64).put((byte) 17).putShort((short) 0).putInt(src).putInt(dst);
        b.putShort((short) 1000).putShort((short) 2000).putShort((short) (8 + payloadLen)).putShort((short) 0);
        for (int i = 0; i < payloadLen; i++) b.put((byte) (seq + i));
        return b.array();
    }

    static byte[] ipv6(byte[] src, byte[] dst, int payloadLen) {
        ByteBuffer b = ByteBuffer.allocate(48 + payloadLen);
        b.putInt(0x60000000).putShort((short) (8 + payloadLen)).put((byte) 17).put((byte) 64).put(src).put(dst);
        b.putShort((short) 1000).putShort((short) 2000).putShort((short) (8 + payloadLen)).putShort((short) 0);
        return b.array();
    }

    static int ip(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }
}
