package dev.dataplane.device;

/**
 * WireGuard's per-peer timers (whitepaper section 6), computed on each tick from the activity timestamps
 * the data path records rather than from one scheduled task per event: retransmitting initiations with
 * jitter until REKEY_ATTEMPT_TIME, passive keepalives, a new handshake when sent data gets no answer,
 * persistent keepalives, and wiping keys after 3 × REJECT_AFTER_TIME.
 */
final class Timers {
    private static final long S = 1_000_000_000L;

    private final WgDevice device;
    private final Handshakes handshakes;

    Timers(WgDevice device, Handshakes handshakes) {
        this.device = device;
        this.handshakes = handshakes;
    }

    /** Handshakes the data path asked for (no session, or time to rekey). */
    void serveWanted() {
        for (Peer peer : device.peerList()) {
            if (peer.sessionConfirmed) {
                peer.sessionConfirmed = false;
                peer.handshakeInFlight = false;
                device.flushStaged(peer);
            }
            if (peer.handshakeWanted.getAndSet(false)) handshakes.initiate(peer, false);
        }
    }

    void tick(long now) {
        ProtocolLimits limits = device.limits;
        for (Peer peer : device.peerList()) {
            if (peer.handshakeInFlight && now - peer.retransmitAtNanos >= 0) {
                if (now - peer.handshakeAttemptStartNanos >= limits.rekeyAttemptTimeNanos()) {
                    peer.handshakeInFlight = false;   // give up until there is new data to send
                    peer.staged.clear();
                } else {
                    handshakes.initiate(peer, true);
                }
            }

            long unanswered = peer.sent.openSince(peer.received);
            if (unanswered != 0 && now - unanswered >= limits.newHandshakeAfterNanos()) {
                peer.sent.close();
                handshakes.initiate(peer, false);
            }

            long due = peer.received.openSince(peer.sent);
            if (due != 0 && now - due >= limits.keepaliveTimeoutNanos()) {
                device.sendKeepalive(peer);
            }

            int persistent = peer.persistentKeepaliveSeconds;
            if (persistent > 0) {
                long lastTraffic = Math.max(peer.sent.last(), peer.received.last());
                if (lastTraffic == 0 || now - lastTraffic >= persistent * S) device.sendKeepalive(peer);
            }

            long handshakeAt = peer.lastHandshakeNanos;
            if (handshakeAt != 0 && now - handshakeAt >= limits.zeroKeysAfterNanos()) {
                peer.lastHandshakeNanos = 0;
                for (Keypair kp : peer.clearKeypairs()) device.retire(kp);
                handshakes.forget(peer);
            }
        }
    }
}
