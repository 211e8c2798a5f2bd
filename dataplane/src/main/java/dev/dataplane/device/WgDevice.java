package dev.dataplane.device;

import dev.dataplane.crypto.ChaChaPoly;
import dev.dataplane.crypto.noise.CookieChecker;
import dev.dataplane.crypto.noise.StaticIdentity;
import dev.dataplane.encap.ip.IpPacket;
import dev.dataplane.routing.AllowedIps;
import dev.dataplane.tun.UdpEndpoint;
import dev.dataplane.tun.UdpSocket;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WireGuard interface: its identity, peers and routing, the UDP socket, and the three parts that move
 * packets — {@link Outbound}, {@link Inbound} and the {@link ControlLoop}. Configuration methods must run
 * on the control thread; {@link DeviceConfig} takes care of that for callers.
 */
public final class WgDevice extends Device {
    public static final int DEFAULT_MTU = 1420;
    private static final int RING_SIZE = 1024;

    final ProtocolLimits limits;
    final IndexTable indices = new IndexTable();
    final ControlLoop control;
    final CookieChecker cookieChecker;
    private final Outbound outbound;
    private final Inbound inbound;
    private final boolean batched;
    /** A ring drains in well under this; retired keys live this long before they are wiped. */
    private static final long RETIRED_GRACE_NANOS = 1_000_000_000L;
    private final java.util.concurrent.ConcurrentLinkedQueue<Keypair> retired = new java.util.concurrent.ConcurrentLinkedQueue<>();

    volatile StaticIdentity identity;
    /** Answer every handshake with a cookie reply unless MAC2 is valid (tests; -Ddataplane.forceUnderLoad). */
    volatile boolean forceUnderLoad = Boolean.getBoolean("dataplane.forceUnderLoad");
    private int listenPort;
    private int fwmark;
    private final Map<String, Peer> peers = new LinkedHashMap<>();
    private volatile List<Peer> peerList = List.of();
    private final AllowedIps<Peer> allowedIps = new AllowedIps<>();

    // the control thread's own sealing slot, for keepalives and staged packets
    private final PacketEvent controlSlot;
    private final ChaChaPoly controlAead = new ChaChaPoly();
    private final ByteBuffer rawSend;

    public WgDevice(String name, PacketDevice tun, Clock clock, ProtocolLimits limits, int workers, PrintStream log) {
        super(name, tun, clock, log);
        this.limits = limits;
        int slot = workers == 0 ? slotSize(tun.mtu()) : Math.max(RING_SLOT, slotSize(tun.mtu()));
        this.cookieChecker = new CookieChecker(null, clock::nanos);
        this.control = new ControlLoop(this);
        this.batched = workers == 0;
        this.outbound = new Outbound(this, RING_SIZE, slot, workers);
        this.inbound = new Inbound(this, RING_SIZE, slot, workers);
        this.controlSlot = new PacketEvent(ByteBuffer.allocateDirect(MAX_SLOT));   // staged packets of any size
        this.rawSend = ByteBuffer.allocateDirect(MAX_SLOT);
    }

    /**
     * Crypto workers per direction when none are asked for: 0, on every core count. Each direction then runs
     * to completion on its reader thread, a batch at a time, with TUN offloads and UDP GSO/GRO. The ring mode
     * (N workers behind Disruptor rings) moves single packets and measured 0.32-0.55 Gbit/s against 0.84-1.9
     * for this mode in the same runs, and no slower with -XX:ActiveProcessorCount=8 or pinned to one core
     * (docs/architecture.md, "Threading and core counts"); so the choice does not depend on the core count.
     */
    public static final int DEFAULT_WORKERS = 0;

    /**
     * Packet buffers start at the MTU's size (a batch of them stays in the L2 cache: 9216-byte slots from the
     * start cost about 10 % more CPU per Gbit, measured). The MTU can be raised later (wg-quick sets it after the
     * device exists): a packet that does not fit is dropped and counted as {@link DropReason#OVERSIZE}, never
     * written past its buffer, and the inline pipeline then grows its buffers ({@link GrowingBatch}) so the
     * following ones are carried. The ring mode's slots are fixed at {@link #RING_SLOT}.
     */
    static int slotSize(int mtu) {
        return GrowingBatch.slotSize(mtu, 64);
    }

    /** Largest buffer: a 65535-byte packet (the most a TUN device or a UDP datagram holds) plus headers. */
    static final int MAX_SLOT = GrowingBatch.MAX_SLOT;
    /** The ring mode's fixed slots: a 9000-byte jumbo packet plus headers. */
    static final int RING_SLOT = GrowingBatch.JUMBO_SLOT;

    @Override
    public void start() {
        control.start();
        outbound.start(tun);
        inbound.start(tun);
        if (outbound.inline() != null) startDataPath("wg", "tun", "udp", outbound.inline(), inbound.inline());
    }

    @Override
    public void close() {
        outbound.stop();
        inbound.stop();
        control.stop();
        UdpSocket s = socket;
        socket = null;
        if (s != null) s.close();
        tun.close();
        awaitDataThreads(2000);   // then nothing is in flight while the keys are wiped
        for (Peer p : peerList) for (Keypair kp : p.clearKeypairs()) retire(kp);
        for (Keypair kp; (kp = retired.poll()) != null; ) kp.destroy();
    }

    public void forceUnderLoad(boolean on) {
        forceUnderLoad = on;
    }

    @Override
    public String metricsText() {
        return PrometheusText.render(this, peerList, outbound.queueDepth(), inbound.queueDepth());
    }

    public DeviceConfig config() {
        return new DeviceConfig(this);
    }

    // ---- routing -------------------------------------------------------------------------------

    Peer routeOutbound(DirectBuffer b, int off, int len) {
        return switch (IpPacket.version(b, off, len)) {
            case 4 -> allowedIps.lookupV4(IpPacket.ipv4Dst(b, off));
            case 6 -> allowedIps.lookupV6(IpPacket.ipv6DstHi(b, off), IpPacket.ipv6DstLo(b, off));
            default -> null;
        };
    }

    /** The peer the inner packet's source address belongs to; the data must have come from it. */
    Peer routeInbound(DirectBuffer b, int off, int len) {
        return switch (IpPacket.version(b, off, len)) {
            case 4 -> allowedIps.lookupV4(IpPacket.ipv4Src(b, off));
            case 6 -> allowedIps.lookupV6(IpPacket.ipv6SrcHi(b, off), IpPacket.ipv6SrcLo(b, off));
            default -> null;
        };
    }

    // ---- events from the data path ---------------------------------------------------------------

    void wantHandshake(Peer peer) {
        if (!peer.handshakeWanted.getAndSet(true)) control.wake();
    }

    /** An authenticated packet came from {@code source}: confirm the session, follow a roaming peer. */
    void authenticatedFrom(Peer peer, Keypair kp, UdpEndpoint source, long now) {
        if (kp != null) {
            if (peer.next == kp) {
                retire(peer.confirm(kp));
                // like wireguard-go's timersHandshakeComplete: stop retrying, send what waited
                peer.sessionConfirmed = true;
                control.wake();
            }
            if (kp.initiator && kp == peer.current && now - kp.createdNanos >= limits.rekeyOnReceiveNanos()
                    && peer.rekeyOnReceiveAsked.compareAndSet(false, true)) {
                wantHandshake(peer);
            }
        }
        UdpEndpoint known = peer.endpoint;
        if (known == null || !known.equals(source)) peer.endpoint = new UdpEndpoint().copyFrom(source);
        if (kp == null) {
            peer.received.mark(now);   // a handshake message, on the control thread
        } else {
            peer.received.touch(now, peer.sent);
        }
    }

    /**
     * Takes a keypair out of service: its index is forgotten at once, so no new packet finds it, but its key
     * material is wiped only a moment later ({@link #destroyRetired}), because packets already routed or
     * looked up under it may still be in a ring; wiping at once would seal or open those with zeroed keys.
     */
    void retire(Keypair kp) {
        if (kp == null) return;
        indices.remove(kp.localIndex);
        kp.retiredAtNanos = clock.nanos();
        retired.add(kp);
    }

    /** Wipes keypairs retired at least {@link #RETIRED_GRACE_NANOS} ago (control thread, each tick). */
    void destroyRetired(long now) {
        Keypair kp;
        while ((kp = retired.peek()) != null && now - kp.retiredAtNanos >= RETIRED_GRACE_NANOS) {
            retired.poll().destroy();
        }
    }

    // ---- sending from the control thread -----------------------------------------------------------

    void sendHandshakeMessage(Peer peer, byte[] msg) {
        UdpEndpoint to = peer.endpoint;
        if (to == null) return;
        sendRaw(msg, to);
        peer.sentFromControl(msg.length, clock.nanos(), false);
    }

    void sendRaw(byte[] msg, UdpEndpoint to) {
        UdpSocket s = socket;
        if (s == null) return;
        rawSend.clear();
        rawSend.put(0, msg);
        try {
            s.send(rawSend, 0, msg.length, to);
        } catch (IOException e) {
            stats.drop(DropReason.IO_ERROR);
        }
    }

    /** Sends what was staged for {@code peer} if it has a session now; true if anything was sent. */
    boolean flushStaged(Peer peer) {
        boolean sent = false;
        byte[] packet;
        while (usableKeypair(peer) != null && (packet = peer.staged.poll()) != null) {
            sent |= sendTransport(peer, packet);
        }
        return sent;
    }

    void sendKeepalive(Peer peer) {
        if (usableKeypair(peer) == null) {
            wantHandshake(peer);
            return;
        }
        if (!flushStaged(peer)) sendTransport(peer, new byte[0]);
    }

    private Keypair usableKeypair(Peer peer) {
        Keypair kp = peer.current;
        return kp == null || kp.expired(clock.nanos(), limits) ? null : kp;
    }

    private boolean sendTransport(Peer peer, byte[] plain) {
        Keypair kp = usableKeypair(peer);
        UdpEndpoint to = peer.endpoint;
        UdpSocket s = socket;
        if (kp == null || to == null || s == null) return false;
        long counter = kp.nextCounter(limits);
        if (counter < 0) return false;
        PacketEvent ev = controlSlot;
        ev.reset();
        ev.view.putBytes(Outbound.HEADER, plain);
        ev.len = plain.length;
        ev.keypair = kp;
        ev.counter = counter;
        int len = Outbound.seal(controlAead, ev, mtu());
        if (len < 0) return false;   // the keypair was wiped meanwhile
        try {
            s.send(ev.buf, 0, len, to);
            long now = clock.nanos();
            peer.sentFromControl(len, now, plain.length > 0);
            return true;
        } catch (IOException e) {
            stats.drop(DropReason.IO_ERROR);
            return false;
        }
    }

    // ---- configuration (control thread) ------------------------------------------------------------

    List<Peer> peerList() {
        return peerList;
    }

    Peer peer(byte[] publicKey) {
        return peers.get(HexFormat.of().formatHex(publicKey));
    }

    void setPrivateKey(byte[] key) {
        StaticIdentity id = key == null || isZero(key) ? null : new StaticIdentity(key);
        StaticIdentity old = identity;
        if (old != null && id != null && Arrays.equals(old.publicKey(), id.publicKey())) return;
        identity = id;
        cookieChecker.setIdentity(id);
        if (id != null) {
            Peer self = peer(id.publicKey());   // a peer with our own key makes no sense: wireguard-go drops it
            if (self != null) removePeer(self);
        }
        for (Peer p : peerList) {
            p.handshake.setIdentity(id);
            for (Keypair kp : p.clearKeypairs()) retire(kp);
        }
        if (old != null) old.destroy();   // nothing refers to it any more: handshakes run on this thread
    }

    byte[] privateKey() {
        StaticIdentity id = identity;
        return id == null ? null : id.privateKey();
    }

    int listenPort() {
        return listenPort;
    }

    /** Binds the UDP socket to {@code port} (0 = any); throws if the port is taken. */
    void bind(int port) throws IOException {
        UdpSocket fresh = UdpSocket.bind(null, port);
        if (batched) {
            fresh.setGso(fresh.gsoSupported());   // runs of equal datagrams leave in one sendmsg
            fresh.setGro(true);                   // and arrive in one receive (only batch receives split them)
        }
        UdpSocket old = socket;
        socket = fresh;
        listenPort = fresh.localPort();
        if (old != null) old.close();
        if (fwmark != 0) fresh.setMark(fwmark);
    }

    int fwmark() {
        return fwmark;
    }

    void setFwmark(int mark) throws IOException {
        fwmark = mark;
        UdpSocket s = socket;
        if (s != null) s.setMark(mark);
    }

    Peer addPeer(byte[] publicKey) {
        StaticIdentity id = identity;
        Peer p = new Peer(publicKey, id, clock);
        peers.put(HexFormat.of().formatHex(publicKey), p);
        peerList = List.copyOf(peers.values());
        return p;
    }

    void removePeer(Peer p) {
        peers.remove(p.hexKey());
        peerList = List.copyOf(peers.values());
        allowedIps.removeByPeer(p);
        for (Keypair kp : p.clearKeypairs()) retire(kp);
        indices.remove(p.handshake.localIndex());
        p.handshake.clear();
        p.staged.clear();
    }

    void removeAllPeers() {
        for (Peer p : new ArrayList<>(peerList)) removePeer(p);
    }

    void addAllowedIp(Peer p, InetAddress address, int cidr) {
        allowedIps.insert(address.getAddress(), cidr, p);
    }

    void clearAllowedIps(Peer p) {
        allowedIps.removeByPeer(p);
    }

    List<Map.Entry<InetAddress, Integer>> allowedIpsOf(Peer p) {
        List<Map.Entry<InetAddress, Integer>> out = new ArrayList<>();
        allowedIps.forEach(p, (a, c) -> out.add(Map.entry(a, c)));
        return out;
    }

    private static boolean isZero(byte[] key) {
        int acc = 0;
        for (byte b : key) acc |= b;
        return acc == 0;
    }
}
