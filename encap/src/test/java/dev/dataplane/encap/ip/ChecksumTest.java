package dev.dataplane.encap.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class ChecksumTest {

    /** The worked example header of Wikipedia's "IPv4 header checksum" article; its checksum is b861. */
    @Test
    void publishedIpv4Header() {
        UnsafeBuffer b = new UnsafeBuffer(HexFormat.of().parseHex("4500007300004000" + "4011b861c0a80001c0a800c7"));
        assertEquals(0xb861, Checksum.ipv4HeaderChecksum(b, 0));
        assertTrue(Checksum.isIpv4HeaderChecksumValid(b, 0));

        b.putShort(10, (short) 0);
        assertFalse(Checksum.isIpv4HeaderChecksumValid(b, 0));
        Checksum.putIpv4HeaderChecksum(b, 0);
        assertEquals((short) 0xb861, b.getShort(10, ByteOrder.BIG_ENDIAN));
    }

    /** RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2. */
    @Test
    void rfc1071NumericalExample() {
        UnsafeBuffer b = new UnsafeBuffer(HexFormat.of().parseHex("0001f203f4f5f6f7"));
        assertEquals(0xddf2, Checksum.ones(b, 0, 8, 0));
        assertEquals(0x220d, Checksum.finish(Checksum.ones(b, 0, 8, 0)));
        // the same sum, chained in pieces
        assertEquals(0xddf2, Checksum.ones(b, 4, 4, Checksum.ones(b, 0, 4, 0)));
        assertEquals(0xddf2, Checksum.ones(b, 2, 6, Checksum.ones(b, 0, 2, 0)));
    }

    @Test
    void oddLengthPadsWithZero() {
        UnsafeBuffer b = new UnsafeBuffer(HexFormat.of().parseHex("0102ab"));
        assertEquals(0x0102 + 0xab00, Checksum.ones(b, 0, 3, 0));
    }

    @Test
    void matchesAPlainSixteenBitReference() {
        Random random = new Random(1071);
        byte[] data = new byte[2000];
        UnsafeBuffer b = new UnsafeBuffer(data);
        for (int i = 0; i < 5000; i++) {
            random.nextBytes(data);
            if (i % 3 == 0) java.util.Arrays.fill(data, (byte) 0xff);
            int off = random.nextInt(64);
            int len = random.nextInt(data.length - off);
            int initial = random.nextInt(0x10000);
            assertEquals(reference(data, off, len, initial), Checksum.ones(b, off, len, initial), "off " + off + " len " + len);
        }
    }

    @Test
    void pseudoHeadersMatchTheirBytes() {
        // IPv4: src, dst, zero, protocol, length as 12 bytes
        UnsafeBuffer v4 = new UnsafeBuffer(HexFormat.of().parseHex("c0a80001c0a800c7001100ff"));
        assertEquals(Checksum.ones(v4, 0, 12, 0), Checksum.ipv4PseudoHeader(0xc0a80001, 0xc0a800c7, 17, 0xff));

        // IPv6: src, dst, 32-bit length, three zero bytes, next header
        UnsafeBuffer v6 = new UnsafeBuffer(HexFormat.of().parseHex(
                "20010db8ffff00000000000000000001" + "fe800000000000000000abcd12345678" + "0001fffe" + "00000011"));
        assertEquals(Checksum.ones(v6, 0, 40, 0), Checksum.ipv6PseudoHeader(
                0x20010db8ffff0000L, 1L, 0xfe80000000000000L, 0xabcd12345678L, 17, 0x1fffe));
    }

    private static int reference(byte[] d, int off, int len, int initial) {
        int sum = initial;
        for (int i = 0; i < len; i += 2) {
            int hi = d[off + i] & 0xff;
            int lo = i + 1 < len ? d[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return sum;
    }
}
