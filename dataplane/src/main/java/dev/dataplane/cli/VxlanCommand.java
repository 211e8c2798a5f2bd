package dev.dataplane.cli;

import dev.dataplane.device.Clock;
import dev.dataplane.device.PacketDevice;
import dev.dataplane.tun.TunDevice;
import dev.dataplane.tun.TunOptions;
import dev.dataplane.uapi.UapiServer;
import dev.dataplane.vxlan.VxlanControl;
import dev.dataplane.vxlan.VxlanDevice;

import java.io.IOException;
import java.io.PrintStream;

/**
 * `dataplane --iface NAME --mode vxlan …`: a TAP device NAME bridged over VXLAN, its forwarding database served
 * on /var/run/dataplane/NAME.sock for `dataplane ctl NAME fdb …`. Foreground, cleaned up like the WireGuard mode.
 */
final class VxlanCommand {
    private VxlanCommand() {}

    static int run(Options o, PrintStream err) throws IOException {
        String name = o.iface();
        if (!DeviceCommand.free(name, UapiServer.CONTROL_DIR, err)) return Cli.EXIT_FAILURE;
        TunDevice tap = TunDevice.create(name, o.mtu(),
                TunOptions.DEFAULT.withTap(true).withOffloads(o.offloads()).withIoUring(o.ioUring()));
        VxlanDevice device = new VxlanDevice(name, PacketDevice.of(tap), Clock.SYSTEM, o.vxlan(), err);
        device.threading(o.threads());
        UapiServer control;
        try {
            device.bind();
            control = UapiServer.start(UapiServer.CONTROL_DIR, name, () -> new VxlanControl(device, device::logLine)::serve,
                    device::logLine);
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
        String up = "up: TAP " + name + " (mtu " + o.mtu() + (tap.offloads() ? ", offloads" : "") + "), "
                + o.vxlan().describe() + ", threads " + o.threads().flag() + ", control " + control.path();
        return DeviceCommand.serve(device, control, o.metrics(), up, err);
    }
}
