package dev.dataplane.esp;

import dev.dataplane.device.DirectionCounters;
import dev.dataplane.device.DropReason;
import dev.dataplane.device.OutboundTransform;
import dev.dataplane.encap.esp.EspPacket;
import dev.dataplane.encap.ip.IpPacket;
import dev.dataplane.tun.PacketBatch;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * TUN → wire: picks the outbound policy covering each IP packet (most specific first), takes the SA filling its
 * template, and turns the packet into an ESP packet in place (tunnel mode: the whole IP packet is the payload):
 * header and IV into the headroom, padding and trailer after it, sealed. Runs on the send thread only.
 */
final class EspEncap implements OutboundTransform {
    private final EspDevice device;
    private final byte[] aad = new byte[12];
    private final UnsafeBuffer aadView = new UnsafeBuffer(aad);
    final DirectionCounters tx = new DirectionCounters();

    EspEncap(EspDevice device) {
        this.device = device;
    }

    @Override
    public int headroom() {
        return EspPacket.PAYLOAD;
    }

    @Override
    public int encapsulate(PacketBatch batch, int i, int out) {
        UnsafeBuffer b = batch.view();
        int off = batch.offset(i), len = batch.length(i);
        int version = IpPacket.version(b, off, len);
        if (version < 0) return drop(DropReason.BAD_INNER_PACKET);
        SecurityAssociation sa = route(device.xfrm.snapshot(), b, off, version);
        if (sa == null) return drop(DropReason.NO_POLICY);
        int start = off - EspPacket.PAYLOAD;
        int sealedLen = len + EspPacket.padding(len) + EspPacket.TRAILER + sa.aead.icvLen();
        if (start + EspPacket.PAYLOAD + sealedLen > (i + 1) * batch.slotSize()) return drop(DropReason.OVERSIZE);
        long seq = sa.nextSequence();
        if (seq < 0) return drop(DropReason.KEY_EXPIRED);
        EspPacket.writeHeader(b, start, sa.spi, seq);
        int plain = EspPacket.writeTrailer(b, off, len, version == 4 ? EspPacket.NEXT_HEADER_IPV4 : EspPacket.NEXT_HEADER_IPV6);
        int n = sealed(batch, sa, start, off, plain, seq);
        if (n < 0) return drop(DropReason.KEY_EXPIRED);   // the SA was deleted and its key wiped meanwhile
        batch.endpoint(out).copyFrom(sa.endpoint);
        int wire = EspPacket.PAYLOAD + n;
        tx.data(wire);
        return wire;
    }

    private int sealed(PacketBatch batch, SecurityAssociation sa, int start, int off, int plain, long seq) {
        java.nio.ByteBuffer buf = batch.buffer();
        UnsafeBuffer a = aadView;
        a.putInt(0, sa.spi, ByteOrder.BIG_ENDIAN);
        int aadLen;
        if (sa.esn) {
            a.putInt(4, (int) (seq >>> 32), ByteOrder.BIG_ENDIAN);
            a.putInt(8, (int) seq, ByteOrder.BIG_ENDIAN);
            aadLen = 12;
        } else {
            a.putInt(4, (int) seq, ByteOrder.BIG_ENDIAN);
            aadLen = 8;
        }
        return sa.aead.seal(buf, start + EspPacket.HEADER, off, plain, aad, aadLen);
    }

    /** The SA of the most specific outbound policy whose selector covers the packet, or null. */
    static SecurityAssociation route(XfrmDatabase.Snapshot s, UnsafeBuffer b, int off, int version) {
        SecurityPolicy[] out = s.out;
        if (version == 4) {
            int src = IpPacket.ipv4Src(b, off), dst = IpPacket.ipv4Dst(b, off);
            for (int p = 0; p < out.length; p++) {
                if (out[p].dst().matchesV4(dst) && out[p].src().matchesV4(src)) return s.outSa[p];
            }
        } else {
            long sh = IpPacket.ipv6SrcHi(b, off), sl = IpPacket.ipv6SrcLo(b, off);
            long dh = IpPacket.ipv6DstHi(b, off), dl = IpPacket.ipv6DstLo(b, off);
            for (int p = 0; p < out.length; p++) {
                if (out[p].dst().matchesV6(dh, dl) && out[p].src().matchesV6(sh, sl)) return s.outSa[p];
            }
        }
        return null;
    }

    private int drop(DropReason reason) {
        device.stats().drop(reason);
        return -1;
    }
}
