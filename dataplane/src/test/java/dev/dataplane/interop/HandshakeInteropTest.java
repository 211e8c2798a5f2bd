package dev.dataplane.interop;

import dev.dataplane.crypto.ChaChaPoly;
import dev.dataplane.crypto.Tai64n;
import dev.dataplane.crypto.X25519;
import dev.dataplane.crypto.noise.ConsumedInitiation;
import dev.dataplane.crypto.noise.CookieChecker;
import dev.dataplane.crypto.noise.CookieGenerator;
import dev.dataplane.crypto.noise.InitiationFields;
import dev.dataplane.crypto.noise.NoiseHandshake;
import dev.dataplane.crypto.noise.ResponseFields;
import dev.dataplane.crypto.noise.SessionKeys;
import dev.dataplane.crypto.noise.StaticIdentity;
import dev.dataplane.device.HandshakeMessages;
import dev.dataplane.encap.wireguard.MessageType;
import dev.dataplane.encap.wireguard.WireGuardMessages;
import dev.dataplane.netns.Netns;
import dev.dataplane.netns.NetnsThread;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The protocol core against a peer nobody here wrote: our Noise code on a real UDP socket in one namespace,
 * wireguard-go in another. Each direction ends with an ICMP echo crossing the tunnel, so both sides must
 * have derived the same transport keys.
 */
class HandshakeInteropTest {
    private static final byte[] OUR_INNER = {10, 9, 0, 1};
    private static final byte[] GO_INNER = {10, 9, 0, 2};
    private static final InetSocketAddress GO_UNDERLAY = new InetSocketAddress("198.18.0.2", 51820);

    @BeforeEach
    void root() {
        Root.require();
    }

    @Test
    void weInitiateAndWireguardGoAnswersAPing() throws Exception {
        try (Netns ours = Netns.create("hs"); Netns theirs = Netns.create("hs")) {
            Netns.link(ours, "veth0", "198.18.0.1/24", theirs, "veth1", "198.18.0.2/24");
            try (WireGuardGo go = WireGuardGo.start(theirs);
                 DatagramChannel udp = NetnsThread.call(ours.name(), () -> DatagramChannel.open().bind(new InetSocketAddress("198.18.0.1", 0)))) {
                byte[] ourPrivate = X25519.generatePrivateKey();
                StaticIdentity us = new StaticIdentity(ourPrivate);
                String ourPub = Base64.getEncoder().encodeToString(us.publicKey());
                byte[] goPub = Base64.getDecoder().decode(go.publicKey);
                go.wg("set", go.iface, "listen-port", "51820", "peer", ourPub, "allowed-ips", "10.9.0.1/32");
                go.up("10.9.0.2/24");

                NoiseHandshake hs = new NoiseHandshake(us, goPub);
                InitiationFields init = new InitiationFields();
                assertTrue(hs.createInitiation(0x11223344, timestampNow(), init));
                byte[] msg = HandshakeMessages.encode(init);
                new CookieGenerator(goPub, System::nanoTime).addMacs(msg, msg.length);
                udp.send(ByteBuffer.wrap(msg), GO_UNDERLAY);

                Datagram d = receive(udp);
                assertEquals(MessageType.RESPONSE, WireGuardMessages.type(new UnsafeBuffer(d.data), 0, d.data.length));
                assertTrue(new CookieChecker(us, System::nanoTime).checkMac1(d.data, d.data.length), "wireguard-go's MAC1 on its response");
                ResponseFields resp = HandshakeMessages.decodeResponse(d.data);
                assertTrue(hs.consumeResponse(resp), "response authenticates");
                SessionKeys keys = hs.deriveKeys();
                assertNotNull(keys);
                assertTrue(keys.initiator());

                Transport t = new Transport(keys);
                byte[] ping = Icmp.echo(OUR_INNER, GO_INNER, Icmp.ECHO_REQUEST, 7, 1, "dataplane-interop".getBytes());
                udp.send(t.seal(ping), GO_UNDERLAY);

                byte[] reply = null;
                for (int i = 0; i < 5 && reply == null; i++) {
                    byte[] plain = t.open(receive(udp).data);
                    if (plain != null && Icmp.isEcho(plain, plain.length, Icmp.ECHO_REPLY)) reply = plain;
                }
                assertNotNull(reply, "wireguard-go delivered our ping to its kernel and tunnelled the reply back");
                assertArrayEquals(GO_INNER, Arrays.copyOfRange(reply, 12, 16));
                assertTrue(go.latestHandshake(ourPub) > 0, "wg show lists the handshake");
                assertTrue(go.rxBytes(ourPub) > 0, "wg show counts the bytes we sent");
            }
        }
    }

    @Test
    void wireguardGoInitiatesAndWeAnswerItsPings() throws Exception {
        try (Netns ours = Netns.create("hs"); Netns theirs = Netns.create("hs")) {
            Netns.link(ours, "veth0", "198.18.0.1/24", theirs, "veth1", "198.18.0.2/24");
            try (WireGuardGo go = WireGuardGo.start(theirs);
                 DatagramChannel udp = NetnsThread.call(ours.name(), () -> DatagramChannel.open().bind(new InetSocketAddress("198.18.0.1", 0)))) {
                StaticIdentity us = new StaticIdentity(X25519.generatePrivateKey());
                String ourPub = Base64.getEncoder().encodeToString(us.publicKey());
                byte[] goPub = Base64.getDecoder().decode(go.publicKey);
                int ourPort = ((InetSocketAddress) udp.getLocalAddress()).getPort();
                go.wg("set", go.iface, "peer", ourPub, "endpoint", "198.18.0.1:" + ourPort, "allowed-ips", "10.9.0.1/32");
                go.up("10.9.0.2/24");
                Process ping = theirs.start(Map.of(), null, "ping", "-c", "3", "-i", "0.3", "-W", "5", "10.9.0.1");

                Datagram d = receive(udp);
                assertEquals(MessageType.INITIATION, WireGuardMessages.type(new UnsafeBuffer(d.data), 0, d.data.length));
                assertTrue(new CookieChecker(us, System::nanoTime).checkMac1(d.data, d.data.length));
                InitiationFields init = HandshakeMessages.decodeInitiation(d.data);
                ConsumedInitiation consumed = NoiseHandshake.decryptInitiation(us, init);
                assertNotNull(consumed, "initiation decrypts");
                assertArrayEquals(goPub, consumed.remoteStatic(), "it names wireguard-go's static key");

                NoiseHandshake hs = new NoiseHandshake(us, goPub);
                assertTrue(hs.acceptInitiation(consumed));
                assertTrue(!hs.acceptInitiation(consumed), "the same timestamp twice is a replay");
                ResponseFields resp = new ResponseFields();
                assertTrue(hs.createResponse(0x55667788, resp));
                byte[] msg = HandshakeMessages.encode(resp);
                new CookieGenerator(goPub, System::nanoTime).addMacs(msg, msg.length);
                udp.send(ByteBuffer.wrap(msg), d.from);
                SessionKeys keys = hs.deriveKeys();
                assertTrue(!keys.initiator());

                Transport t = new Transport(keys);
                int answered = 0;
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (ping.isAlive() && System.nanoTime() < deadline) {
                    Datagram in = receiveOrNull(udp, 500);
                    if (in == null) continue;
                    byte[] plain = t.open(in.data);
                    if (plain != null && plain.length > 0 && Icmp.isEcho(plain, plain.length, Icmp.ECHO_REQUEST)) {
                        udp.send(t.seal(Icmp.replyTo(plain, plain.length)), in.from);
                        answered++;
                    }
                }
                assertTrue(answered > 0, "wireguard-go tunnelled its pings to us");
                assertTrue(ping.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
                assertEquals(0, ping.exitValue(), "ping in wireguard-go's namespace got our replies");
                assertTrue(go.latestHandshake(ourPub) > 0);
                assertTrue(go.rxBytes(ourPub) > 0);
            }
        }
    }

    private static byte[] timestampNow() {
        Instant now = Instant.now();
        byte[] ts = new byte[12];
        Tai64n.write(now.getEpochSecond(), now.getNano(), ts, 0);
        return ts;
    }

    record Datagram(byte[] data, SocketAddress from) {}

    static Datagram receive(DatagramChannel udp) throws Exception {
        Datagram d = receiveOrNull(udp, 5000);
        if (d == null) throw new AssertionError("no datagram within 5 s");
        return d;
    }

    static Datagram receiveOrNull(DatagramChannel udp, long timeoutMs) throws Exception {
        udp.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(2048);
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            SocketAddress from = udp.receive(buf);
            if (from != null) {
                buf.flip();
                byte[] data = new byte[buf.remaining()];
                buf.get(data);
                return new Datagram(data, from);
            }
            Thread.sleep(5);
        }
        return null;
    }

    /** Transport data messages (type 4) under one session, built by hand from the spec's layout. */
    static final class Transport {
        private final SessionKeys keys;
        private final ChaChaPoly aead = new ChaChaPoly();
        private final ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        private long sendCounter;

        Transport(SessionKeys keys) {
            this.keys = keys;
        }

        ByteBuffer seal(byte[] packet) {
            int padded = (packet.length + 15) & ~15;
            buf.clear();
            for (int i = 0; i < 16 + padded + 16; i++) buf.put(i, (byte) 0);
            buf.order(ByteOrder.LITTLE_ENDIAN);
            buf.putInt(0, MessageType.TRANSPORT);
            buf.putInt(4, keys.remoteIndex());
            buf.putLong(8, sendCounter);
            buf.put(16, packet);
            int n = aead.seal(keys.sendKey(), sendCounter++, buf, 16, padded);
            byte[] out = new byte[16 + n];
            buf.get(0, out);
            return ByteBuffer.wrap(out);
        }

        /** The decrypted payload, or null if the datagram is not transport data for us that authenticates. */
        byte[] open(byte[] msg) {
            if (msg.length < 32 || msg[0] != MessageType.TRANSPORT) return null;
            ByteBuffer m = ByteBuffer.wrap(msg).order(ByteOrder.LITTLE_ENDIAN);
            if (m.getInt(4) != keys.localIndex()) return null;
            long counter = m.getLong(8);
            buf.clear();
            buf.put(0, msg);
            int n = aead.open(keys.receiveKey(), counter, buf, 16, msg.length - 16);
            if (n < 0) return null;
            byte[] plain = new byte[n];
            buf.get(16, plain);
            return plain;
        }
    }
}
