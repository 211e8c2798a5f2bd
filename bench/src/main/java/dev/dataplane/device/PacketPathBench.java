package dev.dataplane.device;

import dev.dataplane.crypto.ChaChaPoly;
import dev.dataplane.crypto.Tai64n;
import dev.dataplane.crypto.X25519;
import dev.dataplane.crypto.noise.InitiationFields;
import dev.dataplane.crypto.noise.NoiseHandshake;
import dev.dataplane.crypto.noise.ResponseFields;
import dev.dataplane.crypto.noise.SessionKeys;
import dev.dataplane.crypto.noise.StaticIdentity;
import dev.dataplane.encap.ip.IpPacket;
import dev.dataplane.routing.AllowedIps;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The engine's per-packet work without the syscalls: route by destination, seal in place (header, padding,
 * AEAD), then on the other side open, replay check, inner-length parse and source check — one packet out
 * and back in per operation, on the engine's own code (this class sits in its package). Run with
 * {@code -prof gc}: the target is 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED",
        "--add-opens=java.base/sun.security.util.math.intpoly=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
public class PacketPathBench {
    @Param({"64", "1420"})
    public int size;

    private final ChaChaPoly sealer = new ChaChaPoly();
    private final ChaChaPoly opener = new ChaChaPoly();
    private final AllowedIps<Peer> routes = new AllowedIps<>();
    private PacketEvent ev;
    private Keypair send;
    private Keypair receive;
    private Peer peer;
    private byte[] packet;
    private long counter;

    @Setup
    public void setup() {
        StaticIdentity a = new StaticIdentity(X25519.generatePrivateKey());
        StaticIdentity b = new StaticIdentity(X25519.generatePrivateKey());
        NoiseHandshake ia = new NoiseHandshake(a, b.publicKey());
        NoiseHandshake rb = new NoiseHandshake(b, a.publicKey());
        InitiationFields init = new InitiationFields();
        byte[] ts = new byte[12];
        Tai64n.write(1, 0, ts, 0);
        ia.createInitiation(1, ts, init);
        rb.acceptInitiation(NoiseHandshake.decryptInitiation(b, init));
        ResponseFields resp = new ResponseFields();
        rb.createResponse(2, resp);
        ia.consumeResponse(resp);
        SessionKeys ka = ia.deriveKeys();
        SessionKeys kb = rb.deriveKeys();
        peer = new Peer(b.publicKey(), a, Clock.SYSTEM);
        send = new Keypair(peer, ka, 0);
        receive = new Keypair(peer, kb, 0);
        routes.insert(new byte[] {10, 0, 0, 0}, 8, peer);
        ev = new PacketEvent(ByteBuffer.allocateDirect(2048));
        packet = new byte[size];
        packet[0] = 0x45;
        packet[2] = (byte) (size >> 8);
        packet[3] = (byte) size;
        packet[12] = 10; packet[13] = 0; packet[14] = 0; packet[15] = 1;
        packet[16] = 10; packet[17] = 0; packet[18] = 0; packet[19] = 2;
    }

    @Benchmark
    public int outAndBackIn() {
        // out: route and seal
        ev.at(0, size);
        ev.view.putBytes(Outbound.HEADER, packet);
        Peer p = routes.lookupV4(IpPacket.ipv4Dst(ev.view, Outbound.HEADER));
        ev.peer = p;
        ev.keypair = send;
        ev.counter = counter;
        int wire = Outbound.seal(sealer, ev, 1420);
        // in: open, replay, parse, source check
        int plain = opener.open(receive.receiveKey, counter++, ev.buf, Inbound.HEADER, wire - Inbound.HEADER);
        if (plain < 0 || !receive.replay.accept(counter - 1)) return -1;
        int ipLen = IpPacket.totalLength(ev.view, Inbound.HEADER, plain);
        return routes.lookupV4(IpPacket.ipv4Src(ev.view, Inbound.HEADER)) == p ? ipLen : -2;
    }
}
