package dev.dataplane.vxlan;

import dev.dataplane.tun.UdpEndpoint;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A remote VXLAN tunnel endpoint: where a frame is sent, and with which VNI. Its {@link #endpoint} is made once,
 * so the send path copies it without allocating.
 */
public record Vtep(InetAddress address, int port, int vni, UdpEndpoint endpoint) {
    public Vtep(InetAddress address, int port, int vni) {
        this(address, port, vni, new UdpEndpoint(new InetSocketAddress(address, port)));
    }

    /** Equal if they send to the same place with the same VNI (the endpoint is derived). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Vtep v && address.equals(v.address) && port == v.port && vni == v.vni;
    }

    @Override
    public int hashCode() {
        return address.hashCode() * 31 + port * 7 + vni;
    }
}
