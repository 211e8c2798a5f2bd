package dev.dataplane.vxlan;

import dev.dataplane.device.DirectionCounters;
import dev.dataplane.device.DropReason;
import dev.dataplane.device.InboundTransform;
import dev.dataplane.encap.ethernet.EthernetFrame;
import dev.dataplane.encap.vxlan.VxlanHeader;
import dev.dataplane.tun.PacketBatch;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Wire → TAP: checks the VXLAN header as the kernel's vxlan_rcv does (I flag, reserved bits zero unless GBP is on,
 * the device's VNI), bounds the inner frame, learns its source MAC when learning is on, and hands the frame on.
 * Runs on the receive thread only.
 */
final class VxlanDecap implements InboundTransform {
    /** A frame may carry one 802.1Q tag beyond the MTU's payload. */
    private static final int VLAN_TAG = 4;

    private final VxlanDevice device;
    private final Fdb fdb;
    private final VxlanConfig config;
    private final int maxFrame;
    final DirectionCounters rx = new DirectionCounters();

    VxlanDecap(VxlanDevice device) {
        this.device = device;
        this.fdb = device.fdb;
        this.config = device.config;
        this.maxFrame = device.mtu() + EthernetFrame.HEADER + VLAN_TAG;
    }

    @Override
    public int decapsulate(PacketBatch batch, int i) {
        UnsafeBuffer b = batch.view();
        int off = batch.offset(i), len = batch.length(i);
        if (VxlanHeader.check(b, off, len, config.gbp()) != VxlanHeader.OK) return drop(DropReason.MALFORMED);
        if (VxlanHeader.vni(b, off) != config.vni()) return drop(DropReason.WRONG_VNI);
        int frame = off + VxlanHeader.LENGTH, frameLen = len - VxlanHeader.LENGTH;
        if (frameLen < EthernetFrame.HEADER || frameLen > maxFrame) return drop(DropReason.BAD_FRAME);
        rx.data(len);
        if (config.learning() && !(config.gbp() && VxlanHeader.dontLearn(b, off))) {
            long src = EthernetFrame.source(b, frame);
            if (src != 0 && !EthernetFrame.isMulticast(src)) {
                fdb.learn(src, batch.endpoint(i), config.port(), config.vni(), device.clock().nanos());
            }
        }
        batch.strip(i, VxlanHeader.LENGTH);   // keeps the sum the receive took, for the coalescer's checksum check
        return frameLen;
    }

    @Override
    public boolean keepsInnerBytes() {
        return true;
    }

    private int drop(DropReason reason) {
        device.stats().drop(reason);
        return -1;
    }
}
