package dev.dataplane.esp;

import dev.dataplane.device.DirectionCounters;
import dev.dataplane.device.DropReason;
import dev.dataplane.device.InboundTransform;
import dev.dataplane.encap.esp.EspPacket;
import dev.dataplane.encap.ip.IpPacket;
import dev.dataplane.tun.PacketBatch;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Wire → TUN: finds each ESP packet's SA by SPI, opens it, checks its sequence number against the replay window
 * (after authentication, so a forged packet cannot move the window), strips the trailer, and admits the inner
 * packet only if an inbound (in or fwd) policy covers it with a template this SA fills. On the NAT-T port it
 * skips NAT-keepalives and counts IKE messages; on a raw IPv4 socket it steps over the outer IP header.
 * Runs on the receive thread only.
 */
final class EspDecap implements InboundTransform {
    private final EspDevice device;
    private final byte[] aad = new byte[12];
    private final UnsafeBuffer aadView = new UnsafeBuffer(aad);
    final DirectionCounters rx = new DirectionCounters();

    EspDecap(EspDevice device) {
        this.device = device;
    }

    @Override
    public int decapsulate(PacketBatch batch, int i) {
        UnsafeBuffer b = batch.view();
        int off = batch.offset(i), len = batch.length(i);
        if (device.rawIpv4()) {   // a raw IPv4 socket hands over the outer IP header too
            int ihl = len > 0 ? (b.getByte(off) & 0xf) * 4 : 0;
            if (ihl < 20 || ihl > len) return drop(DropReason.MALFORMED);
            off += ihl;
            len -= ihl;
        } else if (device.udpEncap()) {
            if (EspPacket.isNatKeepalive(b, off, len)) return 0;
            if (EspPacket.isNonEsp(b, off, len)) {
                return device.ikeArrived(b, off + 4, len - 4, batch.endpoint(i)) ? 0 : drop(DropReason.NOT_ESP);
            }
        }
        XfrmDatabase.Snapshot s = device.xfrm.snapshot();
        if (len < EspPacket.PAYLOAD + EspPacket.TRAILER) return drop(DropReason.MALFORMED);
        SecurityAssociation sa = s.bySpi(EspPacket.spi(b, off));
        if (sa == null) return drop(DropReason.UNKNOWN_SPI);
        int icv = sa.aead.icvLen();
        if (len < EspPacket.PAYLOAD + EspPacket.TRAILER + icv) return drop(DropReason.MALFORMED);
        long seq = sa.fullSequence(EspPacket.sequenceLow(b, off));
        aadView.putInt(0, sa.spi, ByteOrder.BIG_ENDIAN);
        int aadLen;
        if (sa.esn) {
            aadView.putInt(4, (int) (seq >>> 32), ByteOrder.BIG_ENDIAN);
            aadView.putInt(8, (int) seq, ByteOrder.BIG_ENDIAN);
            aadLen = 12;
        } else {
            aadView.putInt(4, (int) seq, ByteOrder.BIG_ENDIAN);
            aadLen = 8;
        }
        int payloadOff = off + EspPacket.PAYLOAD;
        int plain = sa.aead.open(batch.buffer(), off + EspPacket.HEADER, payloadOff, len - EspPacket.PAYLOAD, aad, aadLen);
        if (plain < 0) return drop(DropReason.DECRYPT_FAILED);
        if (!sa.acceptSequence(seq)) return drop(DropReason.REPLAYED);
        rx.data(len);
        int inner = EspPacket.payloadLength(b, payloadOff, plain);
        if (inner < 0) return drop(DropReason.MALFORMED);
        int next = EspPacket.nextHeader(b, payloadOff, plain);
        if (next == EspPacket.NEXT_HEADER_NONE) return 0;   // a dummy packet (RFC 4303 §2.6): traffic flow confidentiality
        int version = IpPacket.version(b, payloadOff, inner);
        int ipLen = IpPacket.totalLength(b, payloadOff, inner);
        if (ipLen <= 0 || (version == 4 ? EspPacket.NEXT_HEADER_IPV4 : EspPacket.NEXT_HEADER_IPV6) != next) {
            return drop(DropReason.BAD_INNER_PACKET);
        }
        if (!admitted(s, sa, b, payloadOff, version)) return drop(DropReason.POLICY_MISMATCH);
        batch.set(i, payloadOff - i * batch.slotSize(), ipLen);
        return ipLen;
    }

    /** An inbound policy covers the inner packet and its template names this SA. */
    private static boolean admitted(XfrmDatabase.Snapshot s, SecurityAssociation sa, UnsafeBuffer b, int off, int version) {
        SecurityPolicy[] in = s.in;
        if (version == 4) {
            int src = IpPacket.ipv4Src(b, off), dst = IpPacket.ipv4Dst(b, off);
            for (SecurityPolicy p : in) if (p.src().matchesV4(src) && p.dst().matchesV4(dst) && p.template(sa)) return true;
        } else {
            long sh = IpPacket.ipv6SrcHi(b, off), sl = IpPacket.ipv6SrcLo(b, off);
            long dh = IpPacket.ipv6DstHi(b, off), dl = IpPacket.ipv6DstLo(b, off);
            for (SecurityPolicy p : in) if (p.src().matchesV6(sh, sl) && p.dst().matchesV6(dh, dl) && p.template(sa)) return true;
        }
        return false;
    }

    private int drop(DropReason reason) {
        device.stats().drop(reason);
        return -1;
    }
}
