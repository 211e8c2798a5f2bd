package dev.dataplane.cli;

import dev.dataplane.device.Clock;
import dev.dataplane.device.ProtocolLimits;
import dev.dataplane.device.WgDevice;
import dev.dataplane.tun.TunDevice;
import dev.dataplane.tun.TunOptions;
import dev.dataplane.uapi.UapiServer;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * `dataplane --iface NAME`: the sidecar. Creates the TUN device and the UAPI socket, serves until
 * SIGINT/SIGTERM (or until the interface is deleted, as `wg-quick down` does), then removes both.
 */
final class DeviceCommand {
    private DeviceCommand() {}

    static int run(Options o, PrintStream err) throws IOException {
        if (o.mode().equals(Options.VXLAN)) return VxlanCommand.run(o, err);
        if (o.mode().equals(Options.ESP)) return EspCommand.run(o, err);
        String name = o.iface();
        if (!free(name, UapiServer.DEFAULT_DIR, err)) return Cli.EXIT_FAILURE;
        // the batched run-to-completion mode reads and writes in batches, so it gains from TUN offloads
        // (TSO super-packets split on read, TCP runs coalesced on write); the ring mode moves single packets
        boolean batched = o.workers() == 0;
        TunDevice tun = TunDevice.create(name, o.mtu(),
                TunOptions.DEFAULT.withOffloads(batched && o.offloads()).withIoUring(batched && o.ioUring()));
        WgDevice device = new WgDevice(name, dev.dataplane.device.PacketDevice.of(tun), Clock.SYSTEM, ProtocolLimits.fromSystemProperties(), o.workers(), err);
        device.threading(o.threads());
        UapiServer uapi;
        try {
            device.config().set(e -> {
                try {
                    e.listenPort(0);
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            uapi = UapiServer.start(UapiServer.DEFAULT_DIR, name, device.config(), msg -> device.logLine(msg));
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
        String up = "up: TUN " + name + " (mtu " + o.mtu() + (tun.usesIoUring() ? ", io_uring" : "") + "), UAPI " + uapi.path() + ", "
                + (batched ? "run to completion, threads " + o.threads().flag() : o.workers() + " worker(s)")
                + ", " + dev.dataplane.crypto.ChaChaPoly.implementation();
        return serve(device, uapi, o.metrics(), up, err);
    }

    /** /var/run/dataplane/NAME.pid for systemd and for whoever started us as a daemon; a failure only warns. */
    private static Path writePidFile(String name, PrintStream err) {
        Path p = UapiServer.CONTROL_DIR.resolve(name + ".pid");
        try {
            Files.createDirectories(UapiServer.CONTROL_DIR);
            Files.writeString(p, ProcessHandle.current().pid() + "\n");
            return p;
        } catch (IOException e) {
            err.println("dataplane: warning: cannot write " + p + ": " + e.getMessage());
            return null;
        }
    }

    /** Refuses (with the reason on {@code err}) an interface name in use or a control socket a live process holds. */
    static boolean free(String name, Path socketDir, PrintStream err) {
        if (Files.exists(Path.of("/sys/class/net", name))) {
            err.println("dataplane: interface " + name + " already exists");
            return false;
        }
        Path sock = UapiServer.socketPath(socketDir, name);
        if (Files.exists(sock) && UapiServer.isLive(sock)) {
            err.println("dataplane: " + sock + " is held by a running process");
            return false;
        }
        return true;
    }

    /**
     * Runs a started device's life, the same for every mode: metrics if asked, then serve until SIGINT/SIGTERM
     * or a fatal error, then close the control socket and the device. Returns the exit status.
     */
    static int serve(dev.dataplane.device.Device device, UapiServer control, java.net.InetSocketAddress metricsAt, String upLine,
                     PrintStream err) {
        dev.dataplane.metrics.MetricsServer metrics = null;
        if (metricsAt != null) {
            try {
                metrics = dev.dataplane.metrics.MetricsServer.start(metricsAt, device::metricsText);
                device.logLine("metrics on http://" + metricsAt.getAddress().getHostAddress() + ":"
                        + metrics.address().getPort() + "/metrics");
            } catch (IOException e) {
                err.println("dataplane: cannot serve metrics on " + metricsAt + ": " + e.getMessage());
                control.close();
                device.close();
                return Cli.EXIT_FAILURE;
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        device.onFatal(stop::countDown);
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        device.start();
        Path pidFile = writePidFile(device.name(), err);
        device.logLine(upLine);
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        device.logLine("shutting down");
        if (pidFile != null) {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // best effort: a stale pid file names a process that is gone
            }
        }
        if (metrics != null) metrics.close();
        control.close();
        device.close();
        Throwable failure = device.failure();
        if (failure != null) {
            err.println("dataplane: " + device.name() + " stopped because a thread died: " + failure);
            return Cli.EXIT_FAILURE;
        }
        return 0;
    }
}
