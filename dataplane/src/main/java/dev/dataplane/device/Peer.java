package dev.dataplane.device;

import dev.dataplane.crypto.noise.CookieGenerator;
import dev.dataplane.crypto.noise.NoiseHandshake;
import dev.dataplane.crypto.noise.StaticIdentity;
import dev.dataplane.tun.UdpEndpoint;

import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A remote WireGuard peer. Configuration and handshake state are changed only by the control thread;
 * the data path reads the volatile fields (keypairs, endpoint) and writes the activity timestamps the
 * timers are computed from.
 */
public final class Peer {
    /** Like wireguard-go's MaxStagedPackets: what we hold while a handshake is pending. */
    static final int MAX_STAGED = 128;

    final byte[] publicKey;
    final String name;
    final NoiseHandshake handshake;
    final CookieGenerator cookies;

    volatile UdpEndpoint endpoint;          // published copies only, never mutated after publishing
    volatile int persistentKeepaliveSeconds;

    // keypairs: written by the control thread under `this`, read lock-free by the data path
    volatile Keypair current;
    volatile Keypair previous;
    volatile Keypair next;

    final java.util.concurrent.atomic.AtomicInteger handshakesCompleted = new java.util.concurrent.atomic.AtomicInteger();
    /** Authenticated messages received (data and handshake) and messages sent, by writer thread. */
    final DirectionCounters rx = new DirectionCounters();
    final DirectionCounters tx = new DirectionCounters();
    final AtomicLong initiationsSent = new AtomicLong();
    final AtomicLong responsesSent = new AtomicLong();
    final AtomicLong initiationsReceived = new AtomicLong();   // accepted ones
    final AtomicLong responsesReceived = new AtomicLong();
    volatile long lastHandshakeEpochNanos;

    /** Activity by direction, each written by its own data thread (and now and then the control thread). */
    final Activity sent = new Activity();
    final Activity received = new Activity();
    volatile long lastHandshakeNanos;

    final AtomicBoolean handshakeWanted = new AtomicBoolean();
    /** Rekey-on-receive asked once per session: set by the UDP reader, cleared by the control thread. */
    final AtomicBoolean rekeyOnReceiveAsked = new AtomicBoolean();
    volatile boolean sessionConfirmed;      // data arrived under our responder session; control flushes
    final ArrayBlockingQueue<byte[]> staged = new ArrayBlockingQueue<>(MAX_STAGED);

    // timer state, control thread only
    boolean handshakeInFlight;
    long handshakeAttemptStartNanos;
    long retransmitAtNanos;
    long lastInitiationSentNanos = Long.MIN_VALUE / 2;
    long lastInitiationConsumedNanos = Long.MIN_VALUE / 2;

    Peer(byte[] publicKey, StaticIdentity identity, Clock clock) {
        this.publicKey = publicKey.clone();
        this.name = "peer(" + java.util.Base64.getEncoder().encodeToString(publicKey).substring(0, 8) + "…)";
        this.handshake = new NoiseHandshake(identity, publicKey);
        this.cookies = new CookieGenerator(publicKey, clock::nanos);
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    public String hexKey() {
        return HexFormat.of().formatHex(publicKey);
    }

    public UdpEndpoint endpoint() {
        return endpoint;
    }

    public long rxBytes() {
        return rx.bytes();
    }

    public long txBytes() {
        return tx.bytes();
    }

    public long lastHandshakeEpochNanos() {
        return lastHandshakeEpochNanos;
    }

    public int persistentKeepaliveSeconds() {
        return persistentKeepaliveSeconds;
    }

    /** Book-keeping for every data message the outbound data thread sent to this peer. */
    void sent(int bytes, long now) {
        tx.data(bytes);
        sent.touch(now, received);
        sent.opened(now, received);
    }

    /** The same for a message the control thread sent: a handshake or keepalive ({@code data} false) or staged data. */
    void sentFromControl(int bytes, long now, boolean data) {
        tx.control(bytes);
        sent.mark(now);
        if (data) sent.opened(now, received);
    }

    /** Keeps the packet (copied) for sending once a session exists; the oldest goes when full. */
    void stage(byte[] packet) {
        while (!staged.offer(packet)) {
            staged.poll();
        }
    }

    /** Installs a fresh session following wireguard-go's rotation rules; returns the keypairs dropped. */
    synchronized Keypair[] install(Keypair fresh) {
        Keypair[] dropped;
        if (fresh.initiator) {
            if (next != null) {
                dropped = new Keypair[] {previous, current};
                previous = next;
                next = null;
            } else {
                dropped = new Keypair[] {previous};
                previous = current;
            }
            current = fresh;
        } else {
            dropped = new Keypair[] {next, previous};
            next = fresh;
            previous = null;
        }
        return dropped;
    }

    /** Data arrived under {@code kp}: if it is the responder's pending session, it becomes current. */
    synchronized Keypair confirm(Keypair kp) {
        if (next != kp) return null;
        Keypair dropped = previous;
        previous = current;
        current = kp;
        next = null;
        return dropped;
    }

    /** Forgets every session (keys expired, peer removed, or identity changed). */
    synchronized Keypair[] clearKeypairs() {
        Keypair[] all = {previous, current, next};
        previous = current = next = null;
        return all;
    }

    @Override
    public String toString() {
        return name;
    }
}
