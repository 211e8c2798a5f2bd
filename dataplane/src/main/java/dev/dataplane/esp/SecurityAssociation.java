package dev.dataplane.esp;

import dev.dataplane.crypto.ReplayWindow;
import dev.dataplane.crypto.esp.EspAead;
import dev.dataplane.encap.esp.EspPacket;
import dev.dataplane.tun.UdpEndpoint;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;

/**
 * One ESP SA in tunnel mode, as `ip xfrm state add` describes it: outer addresses, SPI, reqid, the AEAD with its
 * key, the optional UDP encapsulation, the replay window and ESN. An SA carries one direction: the send thread
 * writes {@link #sequence} of outbound ones, the receive thread the replay state of inbound ones.
 */
final class SecurityAssociation {
    /** The largest 32-bit sequence number: an SA without ESN stops there (RFC 4303 §3.3.3). */
    static final long MAX_SEQUENCE_32 = 0xffff_ffffL;

    final InetAddress src, dst;
    final int spi;
    final int reqid;
    final EspAead aead;
    private final byte[] keyMaterial;   // kept only to print it back as `ip xfrm state list` does
    final int icvBits;
    final boolean encap;
    final int encapSport, encapDport;
    final int replayWindow;
    final boolean esn;
    /** Where outbound packets go: the destination and, in ESP-in-UDP, its port (0 for raw ESP). */
    final UdpEndpoint endpoint;

    // send thread only (outbound SAs)
    long sequence;
    // receive thread only (inbound SAs)
    private final ReplayWindow replay = new ReplayWindow();
    long top;

    SecurityAssociation(InetAddress src, InetAddress dst, int spi, int reqid, EspAead aead, byte[] keyMaterial, int icvBits,
                        boolean encap, int encapSport, int encapDport, int replayWindow, boolean esn) {
        this.src = src;
        this.dst = dst;
        this.spi = spi;
        this.reqid = reqid;
        this.aead = aead;
        this.keyMaterial = keyMaterial;
        this.icvBits = icvBits;
        this.encap = encap;
        this.encapSport = encapSport;
        this.encapDport = encapDport;
        this.replayWindow = replayWindow;
        this.esn = esn;
        this.endpoint = new UdpEndpoint(new InetSocketAddress(dst, encap ? encapDport : 0));
    }

    boolean ipv6() {
        return dst.getAddress().length == 16;
    }

    /** The next outbound sequence number, or -1 once the SA is exhausted (it must be replaced, never wrap). */
    long nextSequence() {
        long next = sequence + 1;
        if (!esn && next > MAX_SEQUENCE_32 || next < 0) return -1;
        sequence = next;
        return next;
    }

    /** The full sequence number of an arriving packet whose low half is {@code low}. */
    long fullSequence(long low) {
        return esn ? EspPacket.inferHigh(top, low, replayWindow) << 32 | low : low;
    }

    /**
     * Anti-replay after authentication: true exactly once for a sequence number inside the window. A window of 0
     * turns the check off, as it does in the kernel for SAs without ESN.
     */
    boolean acceptSequence(long seq) {
        if (replayWindow == 0 && !esn) {
            if (seq > top) top = seq;
            return true;
        }
        if (seq == 0 || (top > seq && top - seq >= replayWindow)) return false;
        if (!replay.accept(seq)) return false;
        if (seq > top) top = seq;
        return true;
    }

    boolean sameId(InetAddress s, InetAddress d, int spi) {
        return this.spi == spi && src.equals(s) && dst.equals(d);
    }

    void destroy() {
        aead.destroy();
        java.util.Arrays.fill(keyMaterial, (byte) 0);
    }

    /** As `ip xfrm state list` prints it (keys included, as ip prints them). */
    void print(StringBuilder out) {
        out.append("src ").append(Selector.host(src)).append(" dst ").append(Selector.host(dst)).append('\n');
        out.append("\tproto esp spi 0x").append(String.format("%08x", spi)).append(" reqid ").append(reqid & 0xffffffffL)
                .append(" mode tunnel\n");
        out.append("\treplay-window ").append(replayWindow).append(esn ? " flag esn" : "").append('\n');
        out.append("\taead ").append(aead.name()).append(" 0x").append(HexFormat.of().formatHex(keyMaterial)).append(' ')
                .append(icvBits).append('\n');
        if (encap) {
            out.append("\tencap type espinudp sport ").append(encapSport).append(" dport ").append(encapDport)
                    .append(" addr 0.0.0.0\n");
        }
    }
}
