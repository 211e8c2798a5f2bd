package dev.dataplane.encap.wireguard;

import static dev.dataplane.encap.wireguard.WireGuardMessages.*;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Flyweight over the 16-byte header of a type 4 message; the sealed packet starts at
 * {@link #PAYLOAD} and runs to the end of the datagram.
 */
public final class TransportHeader extends MessageFlyweight {
    /** Offset of the encrypted packet relative to the message start. */
    public static final int PAYLOAD = TRANSPORT_PAYLOAD;
    public static final int LENGTH = TRANSPORT_HEADER_LEN;

    public TransportHeader wrap(MutableDirectBuffer buffer, int offset) {
        bind(buffer, offset);
        return this;
    }

    public TransportHeader wrap(DirectBuffer buffer, int offset) {
        bind(buffer, offset);
        return this;
    }

    /** Sets the type to 4 and the reserved bytes to zero. */
    public TransportHeader writeHeader() {
        writeType(MessageType.TRANSPORT);
        return this;
    }

    public int receiverIndex() { return intAt(TRANSPORT_RECEIVER); }
    public TransportHeader receiverIndex(int index) { intAt(TRANSPORT_RECEIVER, index); return this; }

    /** The 64-bit nonce counter (unsigned on the wire; compare with {@link Long#compareUnsigned}). */
    public long counter() { return longAt(TRANSPORT_COUNTER); }
    public TransportHeader counter(long counter) { longAt(TRANSPORT_COUNTER, counter); return this; }

    /** Offset of the sealed payload in {@link #buffer()}. */
    public int payloadOffset() { return offset() + PAYLOAD; }
}
