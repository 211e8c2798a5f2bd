package dev.dataplane.device;

import dev.dataplane.crypto.X25519;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Two engines in one JVM: in-memory TUNs, real UDP on loopback (optionally through a {@link Relay}), one
 * manual clock. A knows B's endpoint; B learns A's from the handshake.
 */
final class EnginePair implements AutoCloseable {
    static final int A_INNER = Packets.ip(10, 0, 0, 1);
    static final int B_INNER = Packets.ip(10, 0, 0, 2);

    final ManualClock clock = new ManualClock();
    final MemoryPacketDevice tunA = new MemoryPacketDevice();
    final MemoryPacketDevice tunB = new MemoryPacketDevice();
    final WgDevice a;
    final WgDevice b;
    final byte[] pubA;
    final byte[] pubB;
    final Relay relay;

    EnginePair(ProtocolLimits limits, boolean withRelay) throws IOException {
        this(limits, withRelay, 2);
    }

    /** {@code workers}: 0 runs each direction inline, N puts N crypto workers behind the rings. */
    EnginePair(ProtocolLimits limits, boolean withRelay, int workers) throws IOException {
        a = new WgDevice("a", tunA, clock, limits, workers, System.err);
        b = new WgDevice("b", tunB, clock, limits, workers, System.err);
        a.start();
        b.start();
        byte[] privA = X25519.generatePrivateKey();
        byte[] privB = X25519.generatePrivateKey();
        pubA = X25519.publicKey(privA);
        pubB = X25519.publicKey(privB);
        b.config().set(e -> {
            e.privateKey(privB);
            bind(e);
            var p = e.peer(pubA, true);
            p.allowedIp(address("10.0.0.1"), 32);
            p.allowedIp(address("fd00::1"), 128);
        });
        InetSocketAddress bAddr = new InetSocketAddress("127.0.0.1", b.config().get().listenPort());
        relay = withRelay ? new Relay(bAddr) : null;
        InetSocketAddress target = withRelay ? relay.address() : bAddr;
        a.config().set(e -> {
            e.privateKey(privA);
            bind(e);
            var p = e.peer(pubB, true);
            p.endpoint(target);
            p.allowedIp(address("10.0.0.2"), 32);
            p.allowedIp(address("fd00::2"), 128);
        });
    }

    Peer peerOfA() {
        return a.peer(pubB);
    }

    Peer peerOfB() {
        return b.peer(pubA);
    }

    private static void bind(DeviceConfig.Editor e) {
        try {
            e.listenPort(0);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        a.close();
        b.close();
        if (relay != null) relay.close();
    }
}
