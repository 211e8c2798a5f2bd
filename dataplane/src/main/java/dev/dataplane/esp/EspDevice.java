package dev.dataplane.esp;

import dev.dataplane.net.Printable;
import dev.dataplane.device.Clock;
import dev.dataplane.device.Device;
import dev.dataplane.device.DropReason;
import dev.dataplane.device.PacketDevice;
import dev.dataplane.device.TunToWire;
import dev.dataplane.device.WireToTun;
import dev.dataplane.encap.esp.EspPacket;
import dev.dataplane.tun.UdpSocket;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An IPsec ESP tunnel-mode interface (RFC 4303) in userspace: a TUN device whose packets are sealed under the SA
 * their outbound policy names and sent as raw ESP (IP protocol 50) or ESP-in-UDP (RFC 3948), wire-compatible with
 * Linux XFRM. SAs and policies are `ip xfrm` lines ({@link XfrmLine}), from a file at start and through the control
 * socket later. The per-packet work is two transforms ({@link EspEncap}, {@link EspDecap}) on the shared pipeline.
 *
 * <p>One device carries one kind of outer packet, fixed by its first SA: raw ESP of one address family, or
 * ESP-in-UDP on {@code natTPort} (both families); an SA of another kind is refused with the reason.
 */
public final class EspDevice extends Device {
    /** A deleted SA's key is wiped this long after it left the tables: packets in flight finish first. */
    private static final long RETIRE_NANOS = 1_000_000_000L;
    /** RFC 3948 §4: keepalives keep NAT mappings open; 20 s, as strongSwan and the kernel's users send them. */
    private static final long KEEPALIVE_SECONDS = 20;
    private static final int NONE = 0, RAW4 = 1, RAW6 = 2, UDP = 3;

    final XfrmDatabase xfrm;
    private final int natTPort;
    private final EspEncap encap;
    private final EspDecap decap;
    private final TunToWire outbound;
    private final WireToTun inbound;
    private final ScheduledExecutorService timers;
    private volatile int kind = NONE;
    /** Where IKE messages that arrive on the NAT-T port go (RFC 3948 §2.2: behind a zero non-ESP marker). */
    private volatile IkeListener ike;
    private final java.util.concurrent.atomic.AtomicInteger ikeQueued = new java.util.concurrent.atomic.AtomicInteger();

    /** The IKE daemon's side of the NAT-T port. */
    public interface IkeListener {
        /** A message (marker removed); runs on the receive thread, so it only hands the bytes over. */
        void received(byte[] message, java.net.InetSocketAddress from);
    }

    public EspDevice(String name, PacketDevice tun, Clock clock, int natTPort, PrintStream log) {
        super(name, tun, clock, log);
        this.natTPort = natTPort;
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("esp-timers").unstarted(r));
        this.xfrm = new XfrmDatabase(sa -> timers.schedule(sa::destroy, RETIRE_NANOS, TimeUnit.NANOSECONDS));
        this.encap = new EspEncap(this);
        this.decap = new EspDecap(this);
        int slot = Math.max(2048, (tun.mtu() + 128 + 63) & ~63);
        this.outbound = new TunToWire(this, encap, slot);
        this.inbound = new WireToTun(this, decap, slot);
    }

    /**
     * Applies `ip xfrm` lines (blank lines and # comments skipped) to a device that has none yet: all are parsed
     * first, and the first that cannot be parsed or applied fails the whole load with its line number and why.
     */
    public void load(List<String> lines, String source) {
        List<XfrmLine> parsed = new java.util.ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                parsed.add(null);
                continue;
            }
            try {
                parsed.add(XfrmLine.parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ":" + (n + 1) + ": " + e.getMessage() + ": " + Printable.of(line));
            }
        }
        for (int n = 0; n < parsed.size(); n++) {
            if (parsed.get(n) == null) continue;
            try {
                apply(parsed.get(n), new StringBuilder());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(source + ":" + (n + 1) + ": " + e.getMessage());
            }
        }
    }

    /** Applies one parsed line (control socket or file); list commands print into {@code out}. */
    void apply(XfrmLine line, StringBuilder out) {
        xfrm.apply(line, out, this::carry);
    }

    /** Refuses an SA this device's socket cannot carry; the first SA decides the socket and binds it. */
    private synchronized void carry(SecurityAssociation sa) {
        int wanted = sa.encap ? UDP : sa.ipv6() ? RAW6 : RAW4;
        if (sa.encap && sa.encapSport != natTPort && sa.encapDport != natTPort) {
            throw new XfrmDatabase.XfrmException(22, "encap espinudp " + sa.encapSport + " " + sa.encapDport
                    + ": neither port is this device's NAT-T port " + natTPort + " (--port)");
        }
        if (kind == NONE) {
            try {
                socket = wanted == UDP ? udp() : UdpSocket.rawIp(wanted == RAW6, null, EspPacket.PROTOCOL);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            kind = wanted;
            logLine("carrying " + describeKind() + " (set by the first SA)");
        } else if (kind != wanted) {
            throw new XfrmDatabase.XfrmException(22, "this device carries " + describeKind() + "; an SA with "
                    + (sa.encap ? "ESP-in-UDP" : "raw ESP over IPv" + (sa.ipv6() ? 6 : 4)) + " needs a device of its own");
        }
    }

    private UdpSocket udp() throws IOException {
        UdpSocket s = UdpSocket.bind(null, natTPort);
        s.setGso(s.gsoSupported());
        s.setGro(true);
        return s;
    }

    private String describeKind() {
        return switch (kind) {
            case RAW4 -> "raw ESP over IPv4";
            case RAW6 -> "raw ESP over IPv6";
            case UDP -> "ESP-in-UDP on port " + natTPort;
            default -> "nothing yet";
        };
    }

    /**
     * For an IKE daemon: binds the ESP-in-UDP socket on the NAT-T port now (the SAs it negotiates are all
     * UDP-encapsulated) and hands it the IKE messages that arrive there.
     */
    public synchronized void serveIke(IkeListener listener) throws IOException {
        if (kind == NONE) {
            socket = udp();
            kind = UDP;
            logLine("carrying " + describeKind() + " (IKE)");
        } else if (kind != UDP) {
            throw new IOException("this device carries " + describeKind() + "; IKE needs ESP-in-UDP");
        }
        this.ike = listener;
    }

    /** Called by the receive thread for a datagram behind a non-ESP marker; false if nobody takes IKE here. */
    boolean ikeArrived(org.agrona.concurrent.UnsafeBuffer b, int off, int len, dev.dataplane.tun.UdpEndpoint from) {
        IkeListener l = ike;
        if (l == null || len < 28) return false;
        byte[] msg = new byte[len];   // control plane: a few messages per SA lifetime
        b.getBytes(off, msg);
        l.received(msg, from.toInetSocketAddress());
        return true;
    }

    /** Sends an IKE message from the NAT-T port, behind the non-ESP marker. */
    public void sendIke(byte[] message, java.net.InetSocketAddress to) throws IOException {
        UdpSocket s = socket;
        if (s == null || kind != UDP) throw new IOException("no NAT-T socket");
        ByteBuffer buf = ByteBuffer.allocateDirect(message.length + 4);
        buf.putInt(0, 0).put(4, message);
        s.send(buf, 0, message.length + 4, new dev.dataplane.tun.UdpEndpoint(to));
    }

    /**
     * Adds an SA negotiated by IKE, as `ip xfrm state add … aead NAME KEY ICV encap espinudp SPORT DPORT` would
     * (replay window 32, no ESN); the key is copied, the caller wipes its own.
     */
    public void addNegotiatedSa(java.net.InetAddress src, java.net.InetAddress dst, int spi, int reqid, String aeadName, byte[] key,
                                int icvBits, int sport, int dport) {
        byte[] k = key.clone();
        SecurityAssociation sa = new SecurityAssociation(src, dst, spi, reqid, dev.dataplane.crypto.esp.EspAead.of(aeadName, k, icvBits), k,
                icvBits, true, sport, dport, 32, false);
        apply(XfrmLine.stateAdd(sa), new StringBuilder());
    }

    /** Removes an SA (its key is wiped once packets in flight are done); false if it was not there. */
    public boolean deleteSa(java.net.InetAddress src, java.net.InetAddress dst, int spi) {
        try {
            apply(XfrmLine.stateDel(src, dst, spi), new StringBuilder());
            return true;
        } catch (XfrmDatabase.XfrmException e) {
            return false;
        }
    }

    /** Applies a policy line (`policy add|del …`: no secrets in it); false if it was refused, with the reason logged. */
    public boolean policy(String line) {
        try {
            apply(XfrmLine.parse(line), new StringBuilder());
            return true;
        } catch (RuntimeException e) {
            logLine("policy refused: " + e.getMessage() + ": " + line);
            return false;
        }
    }

    boolean rawIpv4() {
        return kind == RAW4;
    }

    boolean udpEncap() {
        return kind == UDP;
    }

    @Override
    public void start() {
        startDataPath("esp", "tun", "net", outbound, inbound);
        timers.scheduleAtFixedRate(this::keepalives, KEEPALIVE_SECONDS, KEEPALIVE_SECONDS, TimeUnit.SECONDS);
    }

    /** One 0xff byte to the peer of each outbound ESP-in-UDP SA, so a NAT on the way keeps its mapping. */
    private void keepalives() {
        UdpSocket s = socket;
        if (kind != UDP || s == null) return;
        ByteBuffer one = ByteBuffer.allocateDirect(1).put(0, (byte) 0xff);
        for (SecurityAssociation sa : xfrm.snapshot().outSa) {
            if (sa == null || !sa.encap) continue;
            try {
                s.send(one, 0, 1, sa.endpoint);
            } catch (IOException e) {
                stats().drop(DropReason.IO_ERROR);
            }
        }
    }

    /** NAT-keepalives sent so far are not counted as data; this is for tests and `show`. */
    public long rxPackets() {
        return decap.rx.packets();
    }

    public long txPackets() {
        return encap.tx.packets();
    }

    String show() {
        StringBuilder drops = new StringBuilder();
        for (DropReason r : DropReason.values()) {
            long n = drops(r);
            if (n > 0) drops.append(drops.isEmpty() ? "drops:" : ",").append(' ').append(r.name().toLowerCase()).append(' ').append(n);
        }
        return name() + ": esp, " + describeKind() + ", " + xfrm.states().size() + " SAs, " + xfrm.policyCount() + " policies"
                + ", rx packets " + rxPackets() + ", tx packets " + txPackets() + "\n" + (drops.isEmpty() ? "" : drops + "\n");
    }

    @Override
    public void close() {
        outbound.stop();
        inbound.stop();
        timers.shutdownNow();
        UdpSocket s = socket;
        socket = null;
        if (s != null) s.close();
        tun.close();
        awaitDataThreads(2000);   // then nothing is in flight while the keys are wiped
        for (SecurityAssociation sa : xfrm.states()) sa.destroy();
    }

    @Override
    public String metricsText() {
        return trafficMetrics("ESP packets", decap.rx, encap.tx, (out, dev) -> {
            metric(out, dev, "dataplane_esp_states", "gauge", "Security associations.", xfrm.states().size());
            metric(out, dev, "dataplane_esp_policies", "gauge", "Security policies.", xfrm.policyCount());
        });
    }
}
