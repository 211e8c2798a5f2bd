package dev.dataplane.encap.wireguard;

/** Why {@link WireGuardMessages#check} rejected a datagram; {@link #NONE} when it is well formed. */
public enum ParseError {
    NONE,
    /** Fewer bytes than the type field, or a transport message shorter than header plus tag. */
    TOO_SHORT,
    /** A fixed-size handshake message whose length is not exactly its size. */
    WRONG_LENGTH,
    /** The first byte names no WireGuard message. */
    UNKNOWN_TYPE,
    /** The first byte names a message but a reserved byte is set (so, like wireguard-go, not that type). */
    RESERVED_NOT_ZERO,
    /** The offset and length given do not lie inside the buffer: a caller bug, reported rather than thrown. */
    OUT_OF_BOUNDS
}
