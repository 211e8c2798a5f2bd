package dev.dataplane.encap.wireguard;

import static dev.dataplane.encap.wireguard.WireGuardMessages.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WireGuardMessagesTest {

    @Test
    void offsetsMatchTheProtocolLayout() {
        assertEquals(148, INITIATION_LEN);
        assertEquals(INITIATION_LEN, INIT_MAC2 + MAC_LEN);
        assertEquals(40, INIT_STATIC);
        assertEquals(88, INIT_TIMESTAMP);
        assertEquals(116, INIT_MAC1);
        assertEquals(132, INIT_MAC2);
        assertEquals(RESPONSE_LEN, RESP_MAC2 + MAC_LEN);
        assertEquals(44, RESP_EMPTY);
        assertEquals(60, RESP_MAC1);
        assertEquals(76, RESP_MAC2);
        assertEquals(COOKIE_REPLY_LEN, COOKIE_ENCRYPTED + ENCRYPTED_COOKIE_LEN);
        assertEquals(TRANSPORT_MIN_LEN, TRANSPORT_HEADER_LEN + TAG_LEN);
    }

    @ParameterizedTest(name = "type {0}, {1} bytes -> {2}")
    @CsvSource({
            "1, 148, NONE", "1, 147, WRONG_LENGTH", "1, 149, WRONG_LENGTH", "1, 92, WRONG_LENGTH",
            "2, 92, NONE", "2, 91, WRONG_LENGTH", "2, 93, WRONG_LENGTH", "2, 148, WRONG_LENGTH",
            "3, 64, NONE", "3, 63, WRONG_LENGTH", "3, 65, WRONG_LENGTH",
            "4, 32, NONE", "4, 31, TOO_SHORT", "4, 16, TOO_SHORT", "4, 33, NONE", "4, 1500, NONE", "4, 65535, NONE",
            "0, 148, UNKNOWN_TYPE", "5, 32, UNKNOWN_TYPE", "255, 64, UNKNOWN_TYPE",
            "1, 3, TOO_SHORT", "4, 0, TOO_SHORT",
    })
    void lengthRules(int type, int len, ParseError expected) {
        UnsafeBuffer buf = new UnsafeBuffer(new byte[Math.max(len, 4)]);
        buf.putInt(0, type, ByteOrder.LITTLE_ENDIAN);
        assertEquals(expected, check(buf, 0, len));
        assertEquals(expected == ParseError.NONE ? type : -1, type(buf, 0, len));
    }

    @ParameterizedTest(name = "reserved byte {0} set")
    @CsvSource({"1", "2", "3"})
    void nonZeroReservedByteIsNotThatType(int reservedByte) {
        int[][] typeAndLen = {{1, 148}, {2, 92}, {3, 64}, {4, 32}};
        for (int[] tl : typeAndLen) {
            UnsafeBuffer buf = new UnsafeBuffer(new byte[tl[1]]);
            buf.putByte(0, (byte) tl[0]);
            buf.putByte(reservedByte, (byte) 1);
            assertEquals(ParseError.RESERVED_NOT_ZERO, check(buf, 0, tl[1]));
            assertEquals(-1, type(buf, 0, tl[1]));
        }
    }

    @Test
    void unknownTypeWithReservedBytesSetIsUnknown() {
        UnsafeBuffer buf = new UnsafeBuffer(new byte[64]);
        buf.putInt(0, 0x01000009, ByteOrder.LITTLE_ENDIAN);
        assertEquals(ParseError.UNKNOWN_TYPE, check(buf, 0, 64));
    }

    @Test
    void messageAtAnOffsetIsClassifiedByItsOwnBytes() {
        UnsafeBuffer buf = new UnsafeBuffer(new byte[300]);
        buf.putInt(100, MessageType.COOKIE_REPLY, ByteOrder.LITTLE_ENDIAN);
        assertEquals(MessageType.COOKIE_REPLY, type(buf, 100, 64));
        assertEquals(ParseError.NONE, check(buf, 100, 64));
        assertEquals(-1, type(buf, 0, 64));
    }

    @Test
    void sliceOutsideTheBufferIsReportedNotThrown() {
        UnsafeBuffer buf = new UnsafeBuffer(new byte[40]);
        buf.putInt(0, MessageType.TRANSPORT, ByteOrder.LITTLE_ENDIAN);
        assertEquals(ParseError.OUT_OF_BOUNDS, check(buf, 0, 41));
        assertEquals(ParseError.OUT_OF_BOUNDS, check(buf, 10, 32));
        assertEquals(ParseError.OUT_OF_BOUNDS, check(buf, -1, 32));
        assertEquals(ParseError.OUT_OF_BOUNDS, check(buf, 0, -1));
        assertEquals(ParseError.OUT_OF_BOUNDS, check(buf, Integer.MAX_VALUE, 32));
        assertEquals(ParseError.OUT_OF_BOUNDS, check(null, 0, 32));
        assertEquals(-1, type(buf, 8, Integer.MAX_VALUE));
        assertEquals(ParseError.NONE, check(buf, 0, 40));
    }
}
