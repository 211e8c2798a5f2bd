package dev.dataplane.uapi;

/** A failed UAPI operation, carrying the (negative) errno wireguard-go would answer with. */
public final class UapiException extends RuntimeException {
    public static final int EIO = -5;
    public static final int EINVAL = -22;
    public static final int EADDRINUSE = -98;
    public static final int EPROTO = -71;

    public final int errno;

    public UapiException(int errno, String message) {
        super(message);
        this.errno = errno;
    }
}
