package dev.dataplane.encap.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Every message written through its flyweight reads back the same, at a non-zero offset, over heap and direct memory. */
class FlyweightRoundTripTest {
    private static final int OFF = 7;
    private final Random random = new Random(42);

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Garbage-filled buffers, so writeHeader has to clear the reserved bytes itself. */
    private static UnsafeBuffer[] buffers(int len) {
        UnsafeBuffer heap = new UnsafeBuffer(new byte[OFF + len + 5]);
        UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(OFF + len + 5));
        heap.setMemory(0, heap.capacity(), (byte) 0xA5);
        direct.setMemory(0, direct.capacity(), (byte) 0xA5);
        return new UnsafeBuffer[] {heap, direct};
    }

    @Test
    void initiation() {
        byte[] eph = bytes(32), stat = bytes(48), ts = bytes(28), mac1 = bytes(16), mac2 = bytes(16);
        for (UnsafeBuffer buf : buffers(HandshakeInitiation.LENGTH)) {
            new HandshakeInitiation().wrap(buf, OFF).writeHeader().senderIndex(0xCAFEBABE);
            HandshakeInitiation w = new HandshakeInitiation().wrap(buf, OFF);
            w.putEphemeral(eph);
            w.putEncryptedStatic(stat);
            w.putEncryptedTimestamp(ts);
            w.putMac1(mac1);
            w.putMac2(mac2);

            assertEquals(MessageType.INITIATION, WireGuardMessages.type(buf, OFF, HandshakeInitiation.LENGTH));
            assertEquals(0x01, buf.getByte(OFF));
            assertEquals(0, buf.getByte(OFF + 1) | buf.getByte(OFF + 2) | buf.getByte(OFF + 3));
            assertEquals((byte) 0xBE, buf.getByte(OFF + 4), "sender index is little-endian");

            HandshakeInitiation r = new HandshakeInitiation().wrap(buf, OFF);
            assertEquals(0xCAFEBABE, r.senderIndex());
            assertEquals(MessageType.INITIATION, r.typeByte());
            byte[] out32 = new byte[32], out48 = new byte[48], out28 = new byte[28], out16 = new byte[16];
            r.getEphemeral(out32);
            assertArrayEquals(eph, out32);
            r.getEncryptedStatic(out48);
            assertArrayEquals(stat, out48);
            r.getEncryptedTimestamp(out28);
            assertArrayEquals(ts, out28);
            r.getMac1(out16);
            assertArrayEquals(mac1, out16);
            r.getMac2(out16);
            assertArrayEquals(mac2, out16);
            assertEquals((byte) 0xA5, buf.getByte(OFF + HandshakeInitiation.LENGTH), "nothing written past the end");
        }
    }

    @Test
    void response() {
        byte[] eph = bytes(32), empty = bytes(16), mac1 = bytes(16), mac2 = bytes(16);
        for (UnsafeBuffer buf : buffers(HandshakeResponse.LENGTH)) {
            HandshakeResponse w = new HandshakeResponse().wrap(buf, OFF).writeHeader();
            w.senderIndex(-2).receiverIndex(0x01020304);
            w.putEphemeral(eph);
            w.putEncryptedNothing(empty);
            w.putMac1(mac1);
            w.putMac2(mac2);

            assertEquals(MessageType.RESPONSE, WireGuardMessages.type(buf, OFF, HandshakeResponse.LENGTH));
            HandshakeResponse r = new HandshakeResponse().wrap(buf, OFF);
            assertEquals(-2, r.senderIndex());
            assertEquals(0x01020304, r.receiverIndex());
            byte[] out32 = new byte[32], out16 = new byte[16];
            r.getEphemeral(out32);
            assertArrayEquals(eph, out32);
            r.getEncryptedNothing(out16);
            assertArrayEquals(empty, out16);
            r.getMac1(out16);
            assertArrayEquals(mac1, out16);
            r.getMac2(out16);
            assertArrayEquals(mac2, out16);
            assertEquals((byte) 0xA5, buf.getByte(OFF + HandshakeResponse.LENGTH));
        }
    }

    @Test
    void cookieReply() {
        byte[] nonce = bytes(24), cookie = bytes(32);
        for (UnsafeBuffer buf : buffers(CookieReply.LENGTH)) {
            CookieReply w = new CookieReply().wrap(buf, OFF).writeHeader().receiverIndex(123456789);
            w.putNonce(nonce);
            w.putEncryptedCookie(cookie);

            assertEquals(MessageType.COOKIE_REPLY, WireGuardMessages.type(buf, OFF, CookieReply.LENGTH));
            CookieReply r = new CookieReply().wrap(buf, OFF);
            assertEquals(123456789, r.receiverIndex());
            byte[] out24 = new byte[24], out32 = new byte[32];
            r.getNonce(out24);
            assertArrayEquals(nonce, out24);
            r.getEncryptedCookie(out32);
            assertArrayEquals(cookie, out32);
            assertEquals((byte) 0xA5, buf.getByte(OFF + CookieReply.LENGTH));
        }
    }

    @Test
    void transportHeader() {
        for (UnsafeBuffer buf : buffers(WireGuardMessages.TRANSPORT_MIN_LEN)) {
            new TransportHeader().wrap(buf, OFF).writeHeader().receiverIndex(0x80000001).counter(0xFFFF_FFFF_FFFF_FFFEL);

            assertEquals(MessageType.TRANSPORT, WireGuardMessages.type(buf, OFF, WireGuardMessages.TRANSPORT_MIN_LEN));
            TransportHeader r = new TransportHeader().wrap(buf, OFF);
            assertEquals(0x80000001, r.receiverIndex());
            assertEquals(0xFFFF_FFFF_FFFF_FFFEL, r.counter());
            assertEquals(OFF + 16, r.payloadOffset());
            assertEquals((byte) 0xFE, buf.getByte(OFF + WireGuardMessages.TRANSPORT_COUNTER), "counter is little-endian");
            assertEquals((byte) 0xA5, buf.getByte(OFF + TransportHeader.PAYLOAD), "header writes stop at the payload");
        }
    }

    @Test
    void rewrappingMovesTheView() {
        UnsafeBuffer buf = new UnsafeBuffer(new byte[64]);
        TransportHeader h = new TransportHeader();
        h.wrap(buf, 0).writeHeader().receiverIndex(1);
        h.wrap(buf, 32).writeHeader().receiverIndex(2);
        assertEquals(1, h.wrap(buf, 0).receiverIndex());
        assertEquals(2, h.wrap(buf, 32).receiverIndex());
    }

    @Test
    void shortSourceArrayIsRejected() {
        HandshakeInitiation w = new HandshakeInitiation().wrap(new UnsafeBuffer(new byte[148]), 0);
        assertThrows(IllegalArgumentException.class, () -> w.putEphemeral(new byte[31]));
    }
}
