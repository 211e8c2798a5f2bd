package dev.dataplane.tun;

import java.io.IOException;

/**
 * A TUN device could not be made or configured. The message says why in an operator's words: name too
 * long or invalid, name already in use, /dev/net/tun missing, or CAP_NET_ADMIN lacking.
 */
public final class TunException extends IOException {
    public TunException(String message) {
        super(message);
    }
}
