package dev.dataplane.encap.wireguard;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Common part of the message flyweights: a view of one message at an offset in a buffer, re-pointed
 * with {@code wrap} so one instance serves every packet. Getters assume the bytes passed
 * {@link WireGuardMessages#check}; setters need a buffer wrapped as {@link MutableDirectBuffer}.
 */
public abstract sealed class MessageFlyweight
        permits HandshakeInitiation, HandshakeResponse, CookieReply, TransportHeader {

    private DirectBuffer buffer;
    private MutableDirectBuffer mutable;
    private int offset;

    MessageFlyweight() {}

    final void bind(DirectBuffer buffer, int offset) {
        this.buffer = buffer;
        this.mutable = buffer instanceof MutableDirectBuffer m ? m : null;
        this.offset = offset;
    }

    /** The buffer currently wrapped. */
    public final DirectBuffer buffer() {
        return buffer;
    }

    /** Where the message starts in {@link #buffer()}. */
    public final int offset() {
        return offset;
    }

    /** The message type byte as stored (without the reserved bytes). */
    public final int typeByte() {
        return buffer.getByte(offset + WireGuardMessages.TYPE) & 0xff;
    }

    final void writeType(int type) {
        // one little-endian int writes the type and zeroes the three reserved bytes
        writable().putInt(offset + WireGuardMessages.TYPE, type, ByteOrder.LITTLE_ENDIAN);
    }

    final int intAt(int field) {
        return buffer.getInt(offset + field, ByteOrder.LITTLE_ENDIAN);
    }

    final void intAt(int field, int value) {
        writable().putInt(offset + field, value, ByteOrder.LITTLE_ENDIAN);
    }

    final long longAt(int field) {
        return buffer.getLong(offset + field, ByteOrder.LITTLE_ENDIAN);
    }

    final void longAt(int field, long value) {
        writable().putLong(offset + field, value, ByteOrder.LITTLE_ENDIAN);
    }

    final void copyOut(int field, byte[] dst, int length) {
        buffer.getBytes(offset + field, dst, 0, length);
    }

    final void copyIn(int field, byte[] src, int length) {
        if (src.length < length) {
            throw new IllegalArgumentException("need " + length + " bytes, got " + src.length);
        }
        writable().putBytes(offset + field, src, 0, length);
    }

    private MutableDirectBuffer writable() {
        if (mutable == null) throw new IllegalStateException("flyweight wraps a read-only buffer");
        return mutable;
    }
}
