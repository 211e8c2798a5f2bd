package dev.dataplane.device;

import dev.dataplane.crypto.AeadKey;
import dev.dataplane.crypto.ReplayWindow;
import dev.dataplane.crypto.noise.SessionKeys;

/**
 * One session's transport keys. The send counter is shared by every thread that sends under it; the
 * replay window is touched only by the in-order receive stage. The counter sits alone on its cache line, so
 * the receive thread's window updates never pull it away from the send thread.
 */
public final class Keypair {
    final Peer peer;
    final AeadKey sendKey;
    final AeadKey receiveKey;
    final int localIndex;
    final int remoteIndex;
    final boolean initiator;
    final long createdNanos;
    final SendCounter sendCounter = new SendCounter();
    final ReplayWindow replay = new ReplayWindow();
    volatile long retiredAtNanos;

    Keypair(Peer peer, SessionKeys keys, long createdNanos) {
        this.peer = peer;
        this.sendKey = keys.sendKey();
        this.receiveKey = keys.receiveKey();
        this.localIndex = keys.localIndex();
        this.remoteIndex = keys.remoteIndex();
        this.initiator = keys.initiator();
        this.createdNanos = createdNanos;
    }

    boolean expired(long now, ProtocolLimits limits) {
        return now - createdNanos >= limits.rejectAfterTimeNanos();
    }

    /** Next send counter, or -1 once the key must not encrypt any more. */
    long nextCounter(ProtocolLimits limits) {
        long c = sendCounter.getAndIncrement();
        return c >= limits.rejectAfterMessages() ? -1 : c;
    }

    void destroy() {
        sendKey.destroy();
        receiveKey.destroy();
    }
}
