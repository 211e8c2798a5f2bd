package dev.dataplane.encap.wireguard;

/**
 * WireGuard message type numbers. On the wire the type is the first four bytes read as one
 * little-endian uint32, so the three reserved bytes are part of it and must be zero.
 */
public final class MessageType {
    public static final int INITIATION = 1;
    public static final int RESPONSE = 2;
    public static final int COOKIE_REPLY = 3;
    public static final int TRANSPORT = 4;

    private MessageType() {}

    /** A short name for logs; never allocates. */
    public static String name(int type) {
        return switch (type) {
            case INITIATION -> "initiation";
            case RESPONSE -> "response";
            case COOKIE_REPLY -> "cookie-reply";
            case TRANSPORT -> "transport";
            default -> "unknown";
        };
    }
}
