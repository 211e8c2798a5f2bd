package dev.dataplane.device;

import dev.dataplane.crypto.Tai64n;
import dev.dataplane.crypto.noise.ConsumedInitiation;
import dev.dataplane.crypto.noise.CookieChecker;
import dev.dataplane.crypto.noise.InitiationFields;
import dev.dataplane.crypto.noise.NoiseHandshake;
import dev.dataplane.crypto.noise.ResponseFields;
import dev.dataplane.crypto.noise.SessionKeys;
import dev.dataplane.encap.wireguard.CookieReply;
import dev.dataplane.encap.wireguard.MessageType;
import dev.dataplane.encap.wireguard.WireGuardMessages;
import dev.dataplane.tun.UdpEndpoint;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Handshake messages, both directions, on the control thread: MAC1/MAC2 and cookie replies under load,
 * initiations, responses, and installing the sessions they yield. Never on the data path.
 */
final class Handshakes {
    /** wireguard-go's HandshakeInitationRate: at most one initiation from a peer per 20 ms. */
    private static final long MIN_INITIATION_INTERVAL_NANOS = 20_000_000L;

    private final WgDevice device;
    private final HandshakeRateLimiter limiter;

    Handshakes(WgDevice device) {
        this.device = device;
        this.limiter = new HandshakeRateLimiter(device.clock);
    }

    void handle(byte[] msg, UdpEndpoint from, boolean underLoad) {
        int type = WireGuardMessages.type(new UnsafeBuffer(msg), 0, msg.length);
        if (type == MessageType.COOKIE_REPLY) {
            consumeCookieReply(msg);
            return;
        }
        CookieChecker checker = device.cookieChecker;
        if (!checker.checkMac1(msg, msg.length)) {
            device.stats.drop(DropReason.HANDSHAKE_INVALID);
            return;
        }
        if (underLoad) {
            byte[] source = sourceBytes(from);
            if (!checker.checkMac2(msg, msg.length, source)) {
                sendCookieReply(msg, from, source);
                return;
            }
            if (!limiter.allow(from)) {
                device.stats.drop(DropReason.RATE_LIMITED);
                return;
            }
        }
        if (type == MessageType.INITIATION) consumeInitiation(msg, from);
        else if (type == MessageType.RESPONSE) consumeResponse(msg, from);
    }

    // ---- responder ---------------------------------------------------------------------------

    private void consumeInitiation(byte[] msg, UdpEndpoint from) {
        InitiationFields in = HandshakeMessages.decodeInitiation(msg);

        ConsumedInitiation init = NoiseHandshake.decryptInitiation(device.identity, in);
        Peer peer = init == null ? null : device.peer(init.remoteStatic());
        // our own initiation, if one crossed this one, is superseded (accepting clears it): its index must go
        int previousIndex = peer == null ? 0 : peer.handshake.localIndex();
        long now = device.clock.nanos();
        if (peer == null || now - peer.lastInitiationConsumedNanos < MIN_INITIATION_INTERVAL_NANOS
                || !peer.handshake.acceptInitiation(init)) {
            device.stats.drop(DropReason.HANDSHAKE_INVALID);
            return;
        }
        peer.lastInitiationConsumedNanos = now;
        peer.initiationsReceived.incrementAndGet();
        device.authenticatedFrom(peer, null, from, now);
        peer.rx.control(msg.length);

        forgetIndex(previousIndex);
        int index = device.indices.newHandshakeIndex(peer);
        ResponseFields out = new ResponseFields();
        if (!peer.handshake.createResponse(index, out)) {
            device.indices.remove(index);
            return;
        }
        byte[] response = HandshakeMessages.encode(out);
        peer.cookies.addMacs(response, response.length);
        // install before sending: the initiator may answer with data the moment the response lands
        install(peer, peer.handshake.deriveKeys(), now);
        device.sendHandshakeMessage(peer, response);
        peer.responsesSent.incrementAndGet();
    }

    /** Drops the handshake state and its index (unless that index already names a keypair). */
    void forget(Peer peer) {
        forgetIndex(peer.handshake.localIndex());
        peer.handshake.clear();
    }

    /** Removes a handshake's index from the table; an index a completed handshake handed to a keypair stays. */
    private void forgetIndex(int index) {
        if (index != 0 && device.indices.keypair(index) == null) device.indices.remove(index);
    }

    // ---- initiator ---------------------------------------------------------------------------

    /** Sends a fresh initiation to {@code peer}; {@code retry} keeps the current attempt's deadline. */
    void initiate(Peer peer, boolean retry) {
        long now = device.clock.nanos();
        if (!retry) {
            // like wireguard-go: at most one fresh initiation per REKEY_TIMEOUT, whatever asked for it
            if (now - peer.lastInitiationSentNanos < device.limits.rekeyTimeoutNanos()) return;
            peer.handshakeAttemptStartNanos = now;
        }
        if (device.identity == null || peer.endpoint == null) return;
        int previousIndex = peer.handshake.localIndex();
        int index = device.indices.newHandshakeIndex(peer);
        InitiationFields out = new InitiationFields();
        byte[] timestamp = new byte[12];
        long epoch = device.clock.epochNanos();
        Tai64n.write(Math.floorDiv(epoch, 1_000_000_000L), (int) Math.floorMod(epoch, 1_000_000_000L), timestamp, 0);
        if (!peer.handshake.createInitiation(index, timestamp, out)) {
            device.indices.remove(index);
            return;
        }
        forgetIndex(previousIndex);
        byte[] msg = HandshakeMessages.encode(out);
        peer.cookies.addMacs(msg, msg.length);
        peer.handshakeInFlight = true;
        peer.lastInitiationSentNanos = now;
        peer.retransmitAtNanos = now + device.limits.rekeyTimeoutNanos() + device.limits.jitter();
        device.sendHandshakeMessage(peer, msg);
        peer.initiationsSent.incrementAndGet();
    }

    private void consumeResponse(byte[] msg, UdpEndpoint from) {
        ResponseFields in = HandshakeMessages.decodeResponse(msg);
        Peer peer = device.indices.handshakePeer(in.receiverIndex);
        if (peer == null) {
            device.stats.drop(DropReason.HANDSHAKE_INVALID);
            return;
        }
        if (!peer.handshake.consumeResponse(in)) {
            device.stats.drop(DropReason.HANDSHAKE_INVALID);
            return;
        }
        peer.responsesReceived.incrementAndGet();
        long now = device.clock.nanos();
        device.authenticatedFrom(peer, null, from, now);
        peer.rx.control(msg.length);
        install(peer, peer.handshake.deriveKeys(), now);
        peer.handshakeInFlight = false;
        peer.rekeyOnReceiveAsked.set(false);
        // the initiator confirms the session at once: staged data, or else a keepalive
        if (!device.flushStaged(peer)) device.sendKeepalive(peer);
    }

    private void install(Peer peer, SessionKeys keys, long now) {
        if (keys == null) return;
        Keypair kp = new Keypair(peer, keys, now);
        device.indices.bindKeypair(kp);
        for (Keypair old : peer.install(kp)) device.retire(old);
        peer.handshakesCompleted.incrementAndGet();
        peer.lastHandshakeNanos = now;
        peer.lastHandshakeEpochNanos = device.clock.epochNanos();
    }

    // ---- cookies -----------------------------------------------------------------------------

    private void sendCookieReply(byte[] msg, UdpEndpoint to, byte[] source) {
        byte[] nonce = new byte[24];
        byte[] cookie = device.cookieChecker.createReply(msg, msg.length, source, nonce);
        if (cookie == null) return;
        byte[] reply = new byte[WireGuardMessages.COOKIE_REPLY_LEN];
        CookieReply w = new CookieReply();
        w.wrap(new UnsafeBuffer(reply), 0);
        w.writeHeader();
        w.receiverIndex(new UnsafeBuffer(msg).getInt(WireGuardMessages.INIT_SENDER, ByteOrder.LITTLE_ENDIAN));
        w.putNonce(nonce);
        w.putEncryptedCookie(cookie);
        device.sendRaw(reply, to);
        device.stats.cookieReplySent();
    }

    private void consumeCookieReply(byte[] msg) {
        CookieReply w = new CookieReply();
        w.wrap(new UnsafeBuffer(msg), 0);
        int index = w.receiverIndex();
        Peer peer = device.indices.handshakePeer(index);
        if (peer == null) {
            Keypair kp = device.indices.keypair(index);
            peer = kp == null ? null : kp.peer;
        }
        byte[] nonce = new byte[24];
        byte[] encrypted = new byte[32];
        w.getNonce(nonce);
        w.getEncryptedCookie(encrypted);
        if (peer == null || !peer.cookies.consumeReply(nonce, encrypted)) {
            device.stats.drop(DropReason.HANDSHAKE_INVALID);
        }
    }

    /** The address the cookie binds to: IP bytes then the port, big-endian. */
    static byte[] sourceBytes(UdpEndpoint from) {
        InetSocketAddress a = from.toInetSocketAddress();
        byte[] ip = a.getAddress().getAddress();
        return ByteBuffer.allocate(ip.length + 2).put(ip).putShort((short) a.getPort()).array();
    }


    void tick() {
        limiter.expire();
    }
}
