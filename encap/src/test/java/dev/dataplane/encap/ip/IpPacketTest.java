package dev.dataplane.encap.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class IpPacketTest {
    /** 20-byte IPv4 header: total length 0x73 = 115, UDP, 192.168.0.1 -> 192.168.0.199. */
    static final byte[] IPV4_HEADER = HexFormat.of().parseHex("450000730000400040110000c0a80001c0a800c7");

    private static UnsafeBuffer at(int off, byte[] content, int capacity) {
        UnsafeBuffer b = new UnsafeBuffer(new byte[capacity]);
        b.putBytes(off, content);
        return b;
    }

    /** A 40-byte IPv6 header: payload length 8, UDP, 2001:db8::1 -> fe80::abcd:1234:5678:9abc. */
    private static byte[] ipv6Header(int payloadLength) throws Exception {
        ByteBuffer h = ByteBuffer.allocate(40);
        h.putInt(0x6000_0000).putShort((short) payloadLength).put((byte) 17).put((byte) 64);
        h.put(InetAddress.getByName("2001:db8::1").getAddress());
        h.put(InetAddress.getByName("fe80::abcd:1234:5678:9abc").getAddress());
        return h.array();
    }

    @Test
    void ipv4Fields() {
        UnsafeBuffer b = at(3, IPV4_HEADER, 3 + 130);
        assertEquals(4, IpPacket.version(b, 3, 115));
        assertEquals(115, IpPacket.totalLength(b, 3, 115));
        assertEquals(115, IpPacket.totalLength(b, 3, 130), "padding after the packet is allowed");
        assertEquals(0xc0a80001, IpPacket.ipv4Src(b, 3));
        assertEquals(0xc0a800c7, IpPacket.ipv4Dst(b, 3));
        assertEquals(20, IpPacket.ipv4HeaderLength(b, 3));
        assertEquals(17, IpPacket.protocol(b, 3, 4));
    }

    @Test
    void ipv4Rejections() {
        UnsafeBuffer b = at(0, IPV4_HEADER, 200);
        assertEquals(-1, IpPacket.version(b, 0, 19), "shorter than the fixed header");
        assertEquals(-1, IpPacket.totalLength(b, 0, 114), "declares more than we hold");
        assertEquals(115, IpPacket.totalLength(b, 0, 200), "trailing padding is fine");

        b.putByte(0, (byte) 0x44);
        assertEquals(-1, IpPacket.totalLength(b, 0, 200), "IHL below 5");
        b.putByte(0, (byte) 0x45);
        b.putShort(2, (short) 19, java.nio.ByteOrder.BIG_ENDIAN);
        assertEquals(-1, IpPacket.totalLength(b, 0, 200), "total length below the header length");
        b.putByte(0, (byte) 0x55);
        assertEquals(-1, IpPacket.version(b, 0, 200), "version 5");
        assertEquals(-1, IpPacket.version(b, 0, 0));
        assertEquals(-1, IpPacket.totalLength(b, 150, 100), "slice outside the buffer");
        assertEquals(-1, IpPacket.version(b, -1, 20));
    }

    @Test
    void ipv6Fields() throws Exception {
        byte[] h = ipv6Header(8);
        UnsafeBuffer b = at(16, h, 16 + 48 + 10);
        assertEquals(6, IpPacket.version(b, 16, 48));
        assertEquals(48, IpPacket.totalLength(b, 16, 48));
        assertEquals(48, IpPacket.totalLength(b, 16, 58));
        assertEquals(-1, IpPacket.totalLength(b, 16, 47));
        assertEquals(-1, IpPacket.version(b, 16, 39));
        assertEquals(17, IpPacket.protocol(b, 16, 6));
        assertEquals(0x20010db800000000L, IpPacket.ipv6SrcHi(b, 16));
        assertEquals(1L, IpPacket.ipv6SrcLo(b, 16));
        assertEquals(0xfe80000000000000L, IpPacket.ipv6DstHi(b, 16));
        assertEquals(0xabcd123456789abcL, IpPacket.ipv6DstLo(b, 16));
    }

    @Test
    void ipv6HeaderOnlyAndMaximumPayload() throws Exception {
        UnsafeBuffer b = at(0, ipv6Header(0), 40);
        assertEquals(40, IpPacket.totalLength(b, 0, 40));
        b = at(0, ipv6Header(0xffff), 40 + 0xffff);
        assertEquals(40 + 0xffff, IpPacket.totalLength(b, 0, 40 + 0xffff));
    }
}
