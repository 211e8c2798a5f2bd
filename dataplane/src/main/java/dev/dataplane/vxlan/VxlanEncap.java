package dev.dataplane.vxlan;

import dev.dataplane.device.DirectionCounters;
import dev.dataplane.device.DropReason;
import dev.dataplane.device.OutboundTransform;
import dev.dataplane.encap.ethernet.EthernetFrame;
import dev.dataplane.encap.vxlan.VxlanHeader;
import dev.dataplane.tun.PacketBatch;
import dev.dataplane.tun.UdpSocket;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.util.List;

/**
 * TAP → wire: finds the VTEPs of each frame's destination MAC in the forwarding database (its own entry, else the
 * all-zero one) and prepends the VXLAN header in place. A frame for several VTEPs (flooding) goes to all but the
 * first at once, the first with the batch. Runs on the send thread only.
 */
final class VxlanEncap implements OutboundTransform {
    private final VxlanDevice device;
    private final Fdb fdb;
    final DirectionCounters tx = new DirectionCounters();

    VxlanEncap(VxlanDevice device) {
        this.device = device;
        this.fdb = device.fdb;
    }

    @Override
    public int headroom() {
        return VxlanHeader.LENGTH;
    }

    @Override
    public int encapsulate(PacketBatch batch, int i, int out) {
        UnsafeBuffer b = batch.view();
        int frame = batch.offset(i), frameLen = batch.length(i);
        if (frameLen < EthernetFrame.HEADER) return drop(DropReason.BAD_FRAME);
        long dst = EthernetFrame.destination(b, frame);
        FdbEntry entry = EthernetFrame.isMulticast(dst) ? fdb.lookup(Fdb.ZERO) : fdb.route(dst);
        if (entry == null) return drop(DropReason.NO_VTEP);
        int start = frame - VxlanHeader.LENGTH, len = frameLen + VxlanHeader.LENGTH;
        List<Vtep> vteps = entry.vteps();
        for (int v = 1; v < vteps.size(); v++) flood(batch, start, len, vteps.get(v));
        Vtep first = vteps.getFirst();
        VxlanHeader.write(b, start, first.vni());
        batch.endpoint(out).copyFrom(first.endpoint());
        tx.data(len);
        return len;
    }

    /** One copy of a flooded frame to one more VTEP, sent on its own (broadcast and unknown traffic is light). */
    private void flood(PacketBatch batch, int start, int len, Vtep vtep) {
        UdpSocket socket = device.socket();
        if (socket == null) {
            drop(DropReason.IO_ERROR);
            return;
        }
        VxlanHeader.write(batch.view(), start, vtep.vni());
        try {
            socket.send(batch.buffer(), start, len, vtep.endpoint());
            tx.data(len);
        } catch (IOException e) {
            drop(DropReason.IO_ERROR);
        }
    }

    private int drop(DropReason reason) {
        device.stats().drop(reason);
        return -1;
    }
}
