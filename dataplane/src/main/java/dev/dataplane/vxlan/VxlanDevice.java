package dev.dataplane.vxlan;

import dev.dataplane.device.Clock;
import dev.dataplane.device.Device;
import dev.dataplane.device.PacketDevice;
import dev.dataplane.device.TunToWire;
import dev.dataplane.device.WireToTun;
import dev.dataplane.encap.ethernet.EthernetFrame;
import dev.dataplane.encap.vxlan.VxlanHeader;
import dev.dataplane.tun.UdpSocket;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * A VXLAN interface (RFC 7348) in userspace: a TAP device whose Ethernet frames travel in UDP to the VTEPs its
 * forwarding database names, wire-compatible with the Linux vxlan device. The per-frame work is two transforms
 * ({@link VxlanEncap}, {@link VxlanDecap}) on the same batched pipeline as WireGuard; a third thread ages learned
 * entries. Configuration changes go through {@link #fdb} and {@link VxlanControl}.
 */
public final class VxlanDevice extends Device {
    final VxlanConfig config;
    final Fdb fdb = new Fdb();
    private final VxlanEncap encap;
    private final VxlanDecap decap;
    private final TunToWire outbound;
    private final WireToTun inbound;
    private volatile boolean running = true;
    private Thread ager;

    public VxlanDevice(String name, PacketDevice tap, Clock clock, VxlanConfig config, PrintStream log) {
        super(name, tap, clock, log);
        this.config = config;
        this.encap = new VxlanEncap(this);
        this.decap = new VxlanDecap(this);
        int slot = slotSize(tap.mtu());
        this.outbound = new TunToWire(this, encap, slot);
        this.inbound = new WireToTun(this, decap, slot);
        long now = clock.nanos();
        for (InetAddress r : config.remotes()) fdb.append(Fdb.ZERO, new Vtep(r, config.port(), config.vni()), FdbEntry.State.PERMANENT, now);
    }

    /** Room for an MTU-sized frame with its Ethernet and VXLAN headers, rounded to cache lines. */
    static int slotSize(int mtu) {
        return Math.max(2048, (mtu + EthernetFrame.HEADER + VxlanHeader.LENGTH + 64 + 63) & ~63);
    }

    /** Binds the UDP socket (the configured local address, or every address) with GSO and GRO. */
    public void bind() throws IOException {
        UdpSocket s = UdpSocket.bind(config.local(), config.port());
        s.setGso(s.gsoSupported());
        s.setGro(true);
        socket = s;
    }

    public VxlanConfig config() {
        return config;
    }

    public Fdb fdb() {
        return fdb;
    }

    @Override
    public void start() {
        startDataPath("vxlan", "tap", "udp", outbound, inbound);
        ager = Thread.ofPlatform().daemon().name("vxlan-ageing").start(this::ageLoop);
    }

    /** Every second, learned entries not seen for the ageing time go, as the kernel's vxlan_cleanup does. */
    private void ageLoop() {
        long ageing = TimeUnit.SECONDS.toNanos(config.ageingSeconds());
        while (running) {
            int gone = fdb.expire(clock().nanos(), ageing);
            if (gone > 0) logLine(gone + " learned forwarding entr" + (gone == 1 ? "y" : "ies") + " aged out");
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        outbound.stop();
        inbound.stop();
        if (ager != null) ager.interrupt();
        UdpSocket s = socket;
        socket = null;
        if (s != null) s.close();
        tun.close();
    }

    public long rxPackets() {
        return decap.rx.packets();
    }

    public long txPackets() {
        return encap.tx.packets();
    }

    @Override
    public String metricsText() {
        return trafficMetrics("VXLAN datagrams", decap.rx, encap.tx, (out, dev) ->
                metric(out, dev, "dataplane_fdb_entries", "gauge", "Forwarding database entries.", fdb.size()));
    }
}
