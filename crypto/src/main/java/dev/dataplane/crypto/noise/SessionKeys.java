package dev.dataplane.crypto.noise;

import dev.dataplane.crypto.AeadKey;

/**
 * The transport keys a completed handshake yields, with the indices that name the session on the wire.
 * {@code initiator} matters to the timers: only the initiator may use the keys before it has
 * received data under them.
 */
public record SessionKeys(AeadKey sendKey, AeadKey receiveKey, int localIndex, int remoteIndex, boolean initiator) {
    public void destroy() {
        sendKey.destroy();
        receiveKey.destroy();
    }
}
