package dev.dataplane.device;

import dev.dataplane.tun.UdpSocket;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * What every tunnel mode shares: the inside device, the UDP socket, one set of drop counters, the log, and how
 * a device dies. A mode (WireGuard, VXLAN) adds its state and plugs its per-packet work into the one batched
 * pipeline ({@link TunToWire}, {@link WireToTun}) as transforms.
 */
public abstract class Device implements AutoCloseable {
    final String name;
    final Clock clock;
    final DeviceStats stats = new DeviceStats();
    protected final PacketDevice tun;
    private final PrintStream log;
    private volatile Runnable onFatal;
    private volatile Throwable failure;
    private Threading threading = Threading.DEFAULT;
    private final java.util.List<Thread> dataThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
    protected volatile UdpSocket socket;

    protected Device(String name, PacketDevice tun, Clock clock, PrintStream log) {
        this.name = name;
        this.tun = tun;
        this.clock = clock;
        this.log = log;
    }

    public abstract void start();

    @Override
    public abstract void close();

    public String name() {
        return name;
    }

    public Clock clock() {
        return clock;
    }

    public DeviceStats stats() {
        return stats;
    }

    /** Drops for {@code reason}, including those the inside device made before a packet reached the engine. */
    public long drops(DropReason reason) {
        return stats.drops(reason) + (reason == DropReason.OVERSIZE ? tun.oversizeDrops() : 0);
    }

    /** The counters in Prometheus' text format (docs/metrics.md lists them); any thread. */
    public abstract String metricsText();

    /**
     * What every mode without peers reports: its datagrams each way (named {@code what}) and the drops by reason;
     * {@code extra} appends the mode's own gauges.
     */
    protected String trafficMetrics(String what, DirectionCounters rx, DirectionCounters tx, java.util.function.BiConsumer<StringBuilder, String> extra) {
        StringBuilder out = new StringBuilder(2048);
        String dev = "interface=\"" + name + "\"";
        metric(out, dev, "dataplane_receive_bytes_total", "counter", "Bytes of " + what + " accepted.", rx.bytes());
        metric(out, dev, "dataplane_receive_packets_total", "counter", what + " accepted.", rx.packets());
        metric(out, dev, "dataplane_transmit_bytes_total", "counter", "Bytes of " + what + " sent.", tx.bytes());
        metric(out, dev, "dataplane_transmit_packets_total", "counter", what + " sent.", tx.packets());
        PrometheusText.drops(out, dev, this);
        extra.accept(out, dev);
        return out.toString();
    }

    /** One series with its HELP and TYPE lines. */
    protected static void metric(StringBuilder out, String dev, String name, String type, String help, long value) {
        PrometheusText.series(out, dev, name, type, help, value);
    }

    /** The UDP socket, or null before it is bound; the data threads read it afresh for every batch. */
    public UdpSocket socket() {
        return socket;
    }

    public int mtu() {
        return tun.mtu();
    }

    public void logLine(String message) {
        log.println(LocalTime.now().format(DateTimeFormatter.ISO_LOCAL_TIME) + " " + name + ": " + message);
    }

    /** Called once when the device cannot go on (its inside device vanished); the owner shuts it down. */
    public void onFatal(Runnable action) {
        this.onFatal = action;
    }

    public void fatal(String why) {
        logLine(why);
        Runnable r = onFatal;
        if (r != null) r.run();
    }

    /**
     * A data or control thread hit an error it cannot handle: the device must not go on half alive (the control
     * socket answering, nothing moving), so this records why and shuts it down like {@link #fatal}; the process
     * then exits non-zero ({@link #failure}).
     */
    public void died(String thread, Throwable t) {
        if (failure != null) return;   // the first death is the reason; what follows from it is noise
        failure = t;
        java.io.StringWriter trace = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(trace));
        fatal(thread + " died: " + t + "\n" + trace.toString().strip());
    }

    /** Sets how the data path is threaded; before {@link #start} (the default is {@link Threading#chosen}). */
    public void threading(Threading threading) {
        this.threading = java.util.Objects.requireNonNull(threading);
    }

    /**
     * Starts the data path: both loops on one {@link DataLane} thread ({@code PREFIX-lane}) with
     * {@link Threading#LANE} when the inside device is a TUN/TAP device, else one thread per direction
     * ({@code PREFIX-INSIDE-reader} and {@code PREFIX-WIRE-reader}), the wire side's sending the replies its writes
     * to a TUN/TAP device made ({@link TunToWire#sendWaiting}).
     */
    protected void startDataPath(String prefix, String inside, String wire, TunToWire outbound, WireToTun inbound) {
        dev.dataplane.tun.TunDevice t = tun.tunDevice();
        if (threading == Threading.LANE && t != null) {
            DataLane lane = new DataLane(this, t, outbound, inbound);
            startDataThread(prefix + "-lane", lane, lane::stop);
        } else {
            if (t != null) inbound.sendRepliesThrough(outbound);
            startDataThread(prefix + "-" + inside + "-reader", outbound, outbound::stop);
            startDataThread(prefix + "-" + wire + "-reader", inbound, inbound::stop);
        }
    }

    /** Starts a data thread; if {@code loop} throws, {@code stop} ends it and the device stops ({@link #died}). */
    public void startDataThread(String name, Runnable loop, Runnable stop) {
        Thread t = new Thread(() -> {
            try {
                loop.run();
            } catch (RuntimeException | Error e) {
                stop.run();
                died(name, e);
            }
        }, name);
        t.setDaemon(true);
        dataThreads.add(t);
        t.start();
    }

    /**
     * After the loops were told to stop and the device and socket closed: waits up to {@code millis} for the data
     * threads to leave, so that what close does next (wiping keys) runs with no packet in flight. Returns whether
     * they all left.
     */
    protected boolean awaitDataThreads(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        for (Thread t : dataThreads) {
            long left = deadline - System.nanoTime();
            if (t == Thread.currentThread()) continue;   // a data thread that died is closing the device itself
            try {
                if (left > 0) t.join(Math.max(1, left / 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (t.isAlive()) return false;
        }
        return true;
    }

    /** Why the device stopped on its own, if a thread died; null otherwise. */
    public Throwable failure() {
        return failure;
    }
}
