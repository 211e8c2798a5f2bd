package dev.dataplane.vxlan;

import dev.dataplane.encap.vxlan.VxlanHeader;

import java.net.InetAddress;
import java.util.List;

/**
 * A VXLAN device's settings, as `ip link add NAME type vxlan id VNI dstport PORT local ADDR remote ADDR
 * [no]learning gbp ageing SECONDS` gives the kernel's. Defaults are flannel's: VNI 1, port 8472, no learning.
 *
 * @param local   source address and the address the socket binds to; null: every address of both families
 * @param remotes VTEPs that get an all-zero (flood) forwarding entry at start, as `remote` does
 */
public record VxlanConfig(int vni, int port, InetAddress local, List<InetAddress> remotes, boolean learning, boolean gbp,
                          int ageingSeconds) {
    public static final int DEFAULT_VNI = 1;
    public static final int DEFAULT_AGEING_SECONDS = 300;

    public VxlanConfig {
        if (vni < 0 || vni > VxlanHeader.MAX_VNI) throw new IllegalArgumentException("VNI must be 0 to " + VxlanHeader.MAX_VNI + ": " + vni);
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port must be 1 to 65535: " + port);
        remotes = List.copyOf(remotes);
        for (InetAddress r : remotes) checkFamily(local, r);
    }

    public static VxlanConfig flannel() {
        return new VxlanConfig(DEFAULT_VNI, VxlanHeader.DEFAULT_PORT, null, List.of(), false, false, DEFAULT_AGEING_SECONDS);
    }

    /** A socket bound to an IPv4 local address cannot reach an IPv6 VTEP, and the other way round. */
    static void checkFamily(InetAddress local, InetAddress remote) {
        if (local != null && local.getAddress().length != remote.getAddress().length) {
            throw new IllegalArgumentException("remote " + remote.getHostAddress() + " is not of the local address "
                    + local.getHostAddress() + "'s family");
        }
    }

    /** The settings as `ip -d link show` prints a vxlan device's. */
    public String describe() {
        StringBuilder sb = new StringBuilder("vxlan id ").append(vni);
        if (local != null) sb.append(" local ").append(local.getHostAddress());
        for (InetAddress r : remotes) sb.append(" remote ").append(r.getHostAddress());
        sb.append(" dstport ").append(port).append(learning ? " learning" : " nolearning").append(" ageing ").append(ageingSeconds);
        if (gbp) sb.append(" gbp");
        return sb.toString();
    }
}
