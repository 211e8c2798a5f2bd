package dev.dataplane.encap.esp;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EspPacketTest {
    @Test
    void headerAndIv() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[16]);
        EspPacket.writeHeader(b, 0, 0x01020304, 0x1_0000_0005L);
        assertArrayEquals(HexFormat.of().parseHex("01020304" + "00000005" + "0000000100000005"), b.byteArray(),
                "SPI, low 32 bits of the sequence number, then the whole of it as the IV");
        assertEquals(0x01020304, EspPacket.spi(b, 0));
        assertEquals(5, EspPacket.sequenceLow(b, 0));
    }

    @Test
    void padsToFourBytesWithOneTwoThree() {
        for (int len = 0; len < 64; len++) assertEquals(0, (len + EspPacket.padding(len) + EspPacket.TRAILER) % 4, "len " + len);
        UnsafeBuffer b = new UnsafeBuffer(new byte[32]);
        int total = EspPacket.writeTrailer(b, 0, 5, EspPacket.NEXT_HEADER_IPV4);
        assertEquals(8, total);
        assertEquals(1, b.getByte(5));
        assertEquals(1, b.getByte(6), "pad length");
        assertEquals(4, b.getByte(7), "next header");
        assertEquals(5, EspPacket.payloadLength(b, 0, 8));
        assertEquals(EspPacket.NEXT_HEADER_IPV4, EspPacket.nextHeader(b, 0, 8));
        b.putByte(6, (byte) 200);
        assertEquals(-1, EspPacket.payloadLength(b, 0, 8), "a pad length longer than the payload");
    }

    @Test
    void natTraversalMarkers() {
        assertTrue(EspPacket.isNatKeepalive(new UnsafeBuffer(new byte[] {(byte) 0xff}), 0, 1));
        assertFalse(EspPacket.isNatKeepalive(new UnsafeBuffer(new byte[] {(byte) 0xff, 0}), 0, 2));
        assertTrue(EspPacket.isNonEsp(new UnsafeBuffer(new byte[8]), 0, 8), "IKE after the non-ESP marker");
        assertFalse(EspPacket.isNonEsp(new UnsafeBuffer(HexFormat.of().parseHex("0000100100000001")), 0, 8));
    }

    /** RFC 4303 appendix A2.2, both cases, around a wrap of the low half. */
    @Test
    void infersTheHighHalfOfExtendedSequenceNumbers() {
        int w = 64;
        long top = 5L << 32 | 1000;                                   // case A: the window sits inside one epoch
        assertEquals(5, EspPacket.inferHigh(top, 990, w), "inside the window");
        assertEquals(5, EspPacket.inferHigh(top, 2000, w), "ahead");
        assertEquals(6, EspPacket.inferHigh(top, 10, w), "below the window: the next epoch");
        top = 5L << 32 | 10;                                          // case B: the window straddles the wrap
        assertEquals(4, EspPacket.inferHigh(top, 0xffff_fff0L, w), "inside the window, before the wrap");
        assertEquals(5, EspPacket.inferHigh(top, 3, w), "inside the window, after the wrap");
        assertEquals(5, EspPacket.inferHigh(top, 500, w), "ahead");
        assertEquals(0, EspPacket.inferHigh(10, 0xffff_fff0L, w), "no epoch before the first");
    }

    /** RFC 7634 appendix A pads its 84-byte IPv4 packet with 01 02, pad length 2, next header 4: as we do. */
    @Test
    void trailerOfRfc7634AppendixA() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[96]);
        assertEquals(88, EspPacket.writeTrailer(b, 0, 84, EspPacket.NEXT_HEADER_IPV4));
        byte[] tail = new byte[4];
        b.getBytes(84, tail);
        assertArrayEquals(HexFormat.of().parseHex("01020204"), tail);
    }
}
