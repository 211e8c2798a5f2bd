package dev.dataplane.device;

import dev.dataplane.tun.Readiness;
import dev.dataplane.tun.TunDevice;
import dev.dataplane.tun.UdpSocket;

import java.io.IOException;

/**
 * Both directions of a device on one thread: a batch from the inside device, then a batch from the wire, and a
 * wait for whichever is readable first only when neither had anything. A packet and its reply (a TCP segment and
 * its ACK) are then handled without waking another thread, and a device never has more runnable threads than one.
 */
final class DataLane implements Runnable {
    private final Device device;
    private final TunDevice tun;
    private final TunToWire outbound;
    private final WireToTun inbound;
    private volatile boolean running = true;

    DataLane(Device device, TunDevice tun, TunToWire outbound, WireToTun inbound) {
        this.device = device;
        this.tun = tun;
        this.outbound = outbound;
        this.inbound = inbound;
    }

    void stop() {
        running = false;
        outbound.stop();
        inbound.stop();
    }

    @Override
    public void run() {
        Readiness.returnEmptyReads();
        while (running) {
            int out = outbound.pump();
            if (out < 0) return;
            int in = inbound.pump();
            if (out == 0 && in == 0) awaitEither();
        }
    }

    private void awaitEither() {
        UdpSocket socket = device.socket();
        if (socket == null) return;   // the inbound pump has already backed off for it (WireToTun.sleepBriefly)
        try {
            Readiness.awaitEither(tun, socket);
        } catch (IOException closing) {
            // the device or the socket is closing (a port change swaps the socket): the next pump finds out which
        }
    }
}
