package dev.dataplane.encap.wireguard;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Sizes and field offsets of the four WireGuard messages, and the length/type classification every
 * received datagram goes through before any flyweight reads it. All integers on the wire are
 * little-endian. Nothing here allocates or throws for bad input.
 */
public final class WireGuardMessages {
    public static final int INITIATION_LEN = 148;
    public static final int RESPONSE_LEN = 92;
    public static final int COOKIE_REPLY_LEN = 64;
    public static final int TRANSPORT_HEADER_LEN = 16;
    /** Header plus the Poly1305 tag of an empty payload (a keepalive). */
    public static final int TRANSPORT_MIN_LEN = 32;

    // field sizes
    public static final int TYPE_LEN = 4;
    public static final int KEY_LEN = 32;
    public static final int ENCRYPTED_STATIC_LEN = KEY_LEN + 16;
    public static final int ENCRYPTED_TIMESTAMP_LEN = 12 + 16;
    public static final int ENCRYPTED_NOTHING_LEN = 16;
    public static final int MAC_LEN = 16;
    public static final int COOKIE_NONCE_LEN = 24;
    public static final int ENCRYPTED_COOKIE_LEN = 16 + 16;
    public static final int TAG_LEN = 16;

    /** Every message starts with the type byte followed by three reserved zero bytes. */
    public static final int TYPE = 0;

    // type 1: handshake initiation
    public static final int INIT_SENDER = 4;
    public static final int INIT_EPHEMERAL = 8;
    public static final int INIT_STATIC = INIT_EPHEMERAL + KEY_LEN;                  // 40
    public static final int INIT_TIMESTAMP = INIT_STATIC + ENCRYPTED_STATIC_LEN;     // 88
    public static final int INIT_MAC1 = INIT_TIMESTAMP + ENCRYPTED_TIMESTAMP_LEN;    // 116
    public static final int INIT_MAC2 = INIT_MAC1 + MAC_LEN;                         // 132

    // type 2: handshake response
    public static final int RESP_SENDER = 4;
    public static final int RESP_RECEIVER = 8;
    public static final int RESP_EPHEMERAL = 12;
    public static final int RESP_EMPTY = RESP_EPHEMERAL + KEY_LEN;                   // 44
    public static final int RESP_MAC1 = RESP_EMPTY + ENCRYPTED_NOTHING_LEN;          // 60
    public static final int RESP_MAC2 = RESP_MAC1 + MAC_LEN;                         // 76

    // type 3: cookie reply
    public static final int COOKIE_RECEIVER = 4;
    public static final int COOKIE_NONCE = 8;
    public static final int COOKIE_ENCRYPTED = COOKIE_NONCE + COOKIE_NONCE_LEN;     // 32

    // type 4: transport data
    public static final int TRANSPORT_RECEIVER = 4;
    public static final int TRANSPORT_COUNTER = 8;
    public static final int TRANSPORT_PAYLOAD = TRANSPORT_HEADER_LEN;               // 16

    private WireGuardMessages() {}

    /**
     * The message type 1..4 of the {@code len} bytes at {@code off} if the length rules of that type
     * hold, else -1. This is the check the receive path uses; {@link #check} says why on rejection.
     */
    public static int type(DirectBuffer buf, int off, int len) {
        if (!inside(buf, off, len) || len < TYPE_LEN) return -1;
        int type = buf.getInt(off + TYPE, ByteOrder.LITTLE_ENDIAN);
        boolean lengthOk = switch (type) {
            case MessageType.INITIATION -> len == INITIATION_LEN;
            case MessageType.RESPONSE -> len == RESPONSE_LEN;
            case MessageType.COOKIE_REPLY -> len == COOKIE_REPLY_LEN;
            case MessageType.TRANSPORT -> len >= TRANSPORT_MIN_LEN;
            default -> false;
        };
        return lengthOk ? type : -1;
    }

    /** The reason the bytes are not a well-formed message, or {@link ParseError#NONE}. */
    public static ParseError check(DirectBuffer buf, int off, int len) {
        if (!inside(buf, off, len)) return ParseError.OUT_OF_BOUNDS;
        if (len < TYPE_LEN) return ParseError.TOO_SHORT;
        int type = buf.getInt(off + TYPE, ByteOrder.LITTLE_ENDIAN);
        int firstByte = type & 0xff;
        if (type != firstByte) {
            return firstByte >= MessageType.INITIATION && firstByte <= MessageType.TRANSPORT
                    ? ParseError.RESERVED_NOT_ZERO : ParseError.UNKNOWN_TYPE;
        }
        return switch (type) {
            case MessageType.INITIATION -> exactly(len, INITIATION_LEN);
            case MessageType.RESPONSE -> exactly(len, RESPONSE_LEN);
            case MessageType.COOKIE_REPLY -> exactly(len, COOKIE_REPLY_LEN);
            case MessageType.TRANSPORT -> len >= TRANSPORT_MIN_LEN ? ParseError.NONE : ParseError.TOO_SHORT;
            default -> ParseError.UNKNOWN_TYPE;
        };
    }

    private static ParseError exactly(int len, int expected) {
        return len == expected ? ParseError.NONE : ParseError.WRONG_LENGTH;
    }

    // written so that no int overflow can make a bad slice look valid
    private static boolean inside(DirectBuffer buf, int off, int len) {
        return buf != null && off >= 0 && len >= 0 && off <= buf.capacity() - len;
    }
}
