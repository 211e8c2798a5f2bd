package dev.dataplane.cli;

import dev.dataplane.device.Clock;
import dev.dataplane.device.PacketDevice;
import dev.dataplane.esp.EspControl;
import dev.dataplane.esp.EspDevice;
import dev.dataplane.esp.ike.IkeDaemon;
import dev.dataplane.tun.TunDevice;
import dev.dataplane.tun.TunOptions;
import dev.dataplane.uapi.UapiServer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * `dataplane --iface NAME --mode esp [--config FILE] [--port 4500]`: a TUN device whose traffic ESP carries under
 * the SAs and policies of FILE (`ip xfrm` lines) and of `dataplane ctl NAME xfrm …` later. Foreground, cleaned up
 * like the other modes. A FILE line it cannot take stops the start with the line's number and why.
 */
final class EspCommand {
    private EspCommand() {}

    /** Routes to a CHILD SA's remote subnets through the device, as charon adds them (install_policy = yes). */
    private static IkeDaemon.Routes routes(String iface) {
        dev.dataplane.flannel.Host host = new dev.dataplane.flannel.Host();
        return new IkeDaemon.Routes() {
            @Override
            public void add(dev.dataplane.encap.ike.TrafficSelector remote) {
                try {
                    host.result("ip", "route", "replace", remote.toString(), "dev", iface);
                } catch (IOException ignored) {
                    // the SA works without it; an operator's own route may be there
                }
            }

            @Override
            public void remove(dev.dataplane.encap.ike.TrafficSelector remote) {
                try {
                    host.result("ip", "route", "del", remote.toString(), "dev", iface);
                } catch (IOException ignored) {
                    // gone with the device
                }
            }
        };
    }

    static int run(Options o, PrintStream err) throws IOException {
        String name = o.iface();
        if (!DeviceCommand.free(name, UapiServer.CONTROL_DIR, err)) return Cli.EXIT_FAILURE;
        TunDevice tun = TunDevice.create(name, o.mtu(), TunOptions.DEFAULT.withOffloads(o.offloads()).withIoUring(o.ioUring()));
        EspDevice device = new EspDevice(name, PacketDevice.of(tun), Clock.SYSTEM, o.esp().natTPort(), err);
        device.threading(o.threads());
        UapiServer control;
        IkeDaemon ike = null;
        try {
            if (o.esp().config() != null) device.load(Files.readAllLines(o.esp().config()), o.esp().config().toString());
            if (o.esp().swanctl() != null) {
                try {
                    ike = new IkeDaemon(device, Files.readString(o.esp().swanctl()), device::logLine, routes(name));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(o.esp().swanctl() + ": " + e.getMessage());
                }
            }
            IkeDaemon daemon = ike;
            EspControl.IkeCommands commands = daemon == null ? null : new EspControl.IkeCommands() {
                @Override
                public String list() {
                    return daemon.list();
                }

                @Override
                public String initiate(String n) {
                    return daemon.initiate(n);
                }

                @Override
                public String terminate(String n) {
                    return daemon.terminate(n);
                }

                @Override
                public String rekey(String n) {
                    return daemon.rekey(n);
                }
            };
            control = UapiServer.start(UapiServer.CONTROL_DIR, name, () -> new EspControl(device, device::logLine, commands)::serve,
                    device::logLine);
        } catch (IllegalArgumentException e) {
            if (ike != null) ike.close();
            device.close();
            err.println("dataplane: " + e.getMessage());
            return Cli.EXIT_USAGE;
        } catch (IOException | RuntimeException e) {
            if (ike != null) ike.close();
            device.close();
            throw e;
        }
        String up = "up: TUN " + name + " (mtu " + o.mtu() + "), esp, NAT-T port " + o.esp().natTPort() + (ike != null ? ", IKEv2 on 500/4500" : "")
                + ", threads " + o.threads().flag() + ", control " + control.path();
        if (ike != null) {
            IkeDaemon daemon = ike;
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(200);   // the device's threads first
                } catch (InterruptedException ignored) {
                    return;
                }
                daemon.start();
            });
        }
        try {
            return DeviceCommand.serve(device, control, o.metrics(), up, err);
        } finally {
            if (ike != null) ike.close();
        }
    }
}
