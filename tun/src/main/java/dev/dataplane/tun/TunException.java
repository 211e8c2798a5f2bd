package dev.dataplane.tun;

import java.io.IOException;

/** A TUN device could not be made or used; the message says why in an operator's words. */
public final class TunException extends IOException {
    public TunException(String message) {
        super(message);
    }
}
