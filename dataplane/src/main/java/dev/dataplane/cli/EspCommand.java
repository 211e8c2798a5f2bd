package dev.dataplane.cli;

import dev.dataplane.device.Clock;
import dev.dataplane.device.PacketDevice;
import dev.dataplane.esp.EspControl;
import dev.dataplane.esp.EspDevice;
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

    static int run(Options o, PrintStream err) throws IOException {
        String name = o.iface();
        if (!DeviceCommand.free(name, UapiServer.CONTROL_DIR, err)) return Cli.EXIT_FAILURE;
        TunDevice tun = TunDevice.create(name, o.mtu(), TunOptions.DEFAULT.withOffloads(o.offloads()).withIoUring(o.ioUring()));
        EspDevice device = new EspDevice(name, PacketDevice.of(tun), Clock.SYSTEM, o.esp().natTPort(), err);
        UapiServer control;
        try {
            if (o.esp().config() != null) device.load(Files.readAllLines(o.esp().config()), o.esp().config().toString());
            control = UapiServer.start(UapiServer.CONTROL_DIR, name, () -> new EspControl(device, device::logLine)::serve,
                    device::logLine);
        } catch (IllegalArgumentException e) {
            device.close();
            err.println("dataplane: " + e.getMessage());
            return Cli.EXIT_USAGE;
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
        String up = "up: TUN " + name + " (mtu " + o.mtu() + "), esp, NAT-T port " + o.esp().natTPort() + ", control " + control.path();
        return DeviceCommand.serve(device, control, o.metrics(), up, err);
    }
}
