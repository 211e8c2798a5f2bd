package dev.dataplane.flannel;

import dev.dataplane.uapi.ControlClient;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * flannel's vxlan backend, done through the extension backend with our VXLAN device: the VTEP MAC is the
 * BackendData; the device (flannel.1, VNI 1, port 8472, no learning) holds the subnet's first address; each
 * remote subnet gets flannel's layout: a route via the remote's first address onlink, a permanent neighbour
 * with the remote VTEP's MAC, and an FDB entry sending that MAC to the remote's public address.
 */
public final class VxlanBackend implements ExtensionBackend {
    private final Host host;
    private final Launcher launcher;
    private final String iface;
    private final int vni;
    private final int port;
    private final Integer mtu;

    public VxlanBackend(Host host, Launcher launcher, String iface, int vni, int port, Integer mtu) {
        this.host = host;
        this.launcher = launcher;
        this.iface = iface;
        this.vni = vni;
        this.port = port;
        this.mtu = mtu;
    }

    /** Starts the device here (its MAC is the BackendData) and prints the MAC. */
    @Override
    public String preStartup(FlannelEnv e) throws IOException {
        host.deleteLink(iface);
        List<String> args = new ArrayList<>(List.of("--mode", "vxlan", "--vni", Integer.toString(vni), "--port", Integer.toString(port)));
        if (mtu != null) args.addAll(List.of("--mtu", Integer.toString(mtu)));
        launcher.startDaemon(iface, args);
        return Files.readString(Path.of("/sys/class/net", iface, "address")).strip();
    }

    @Override
    public void postStartup(FlannelEnv e) throws IOException {
        if (!host.linkExists(iface)) throw new IOException("post-startup: no device " + iface + " (pre-startup starts it)");
        if (!e.hasSubnet()) throw new IOException("post-startup: flannel gave neither SUBNET nor IPV6SUBNET");
        for (IpNet s : WireGuardBackend.subnets(e)) host.run("ip", "addr", "replace", s.hostAddress(), "dev", iface);
        host.run("ip", "link", "set", iface, "up");
    }

    @Override
    public void subnetAdd(FlannelEnv e, String backendData) throws IOException {
        String mac = mac(backendData);
        InetAddress at = e.publicAddress().orElseThrow(() -> new IOException("subnet-add: flannel gave no PUBLIC_IP or PUBLIC_IPV6"));
        List<IpNet> subnets = WireGuardBackend.subnets(e);
        if (subnets.isEmpty()) throw new IOException("subnet-add: flannel gave neither SUBNET nor IPV6SUBNET");
        // the FDB entry first: by the time the route exists, frames to that MAC have somewhere to go
        control("fdb replace " + mac + " dst " + at.getHostAddress() + " self permanent");
        for (IpNet s : subnets) {
            host.run("ip", "neigh", "replace", s.ip(), "dev", iface, "lladdr", mac, "nud", "permanent");
            host.run("ip", "route", "replace", s.toString(), "via", s.ip(), "dev", iface, "onlink");
        }
    }

    @Override
    public void subnetRemove(FlannelEnv e, String backendData) throws IOException {
        String mac = mac(backendData);
        for (IpNet s : WireGuardBackend.subnets(e)) {
            host.result("ip", "route", "del", s.toString(), "dev", iface);   // gone already is fine
            host.result("ip", "neigh", "del", s.ip(), "dev", iface);
        }
        e.publicAddress().ifPresent(a -> {
            try {
                ControlClient.send(iface, "fdb del " + mac + " dst " + a.getHostAddress());
            } catch (IOException ignored) {
                // the device is gone: so is its table
            }
        });
    }

    @Override
    public void shutdown() throws IOException {
        host.deleteLink(iface);
    }

    private void control(String command) throws IOException {
        ControlClient.Reply r = ControlClient.send(iface, command);
        if (!r.ok()) throw new IOException(iface + ": " + command + ": " + r.error());
    }

    /** The remote VTEP's MAC from its BackendData (flannel's extension-vxlan example prints the same). */
    static String mac(String backendData) {
        String m = WireGuardBackend.firstLine(backendData).toLowerCase(Locale.ROOT);
        if (m.startsWith("\"") && m.endsWith("\"") && m.length() > 1) m = m.substring(1, m.length() - 1);
        if (!m.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) throw new IllegalArgumentException("the remote's BackendData is not a MAC address: '"
                + (m.length() > 40 ? m.substring(0, 40) + "…" : m) + "'");
        return m;
    }
}
