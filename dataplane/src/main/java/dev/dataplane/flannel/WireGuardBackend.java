package dev.dataplane.flannel;

import dev.dataplane.os.Command;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * flannel's wireguard backend, done through the extension backend with our device: the node's key in
 * /run/flannel/wgkey (its public key is the BackendData), the device flannel-wg with the subnet's first
 * address, a route to the cluster network, and one peer per remote node (allowed IPs: its subnets; endpoint:
 * its public address). Which device: ours, the kernel's, or — as wg-quick chooses — the kernel's when the
 * module is there and a userspace one otherwise.
 */
public final class WireGuardBackend implements ExtensionBackend {
    /** flannel's overhead for WireGuard over IPv4 or IPv6: the device MTU is the underlay's minus this. */
    static final int OVERHEAD = 80;
    static final int DEFAULT_MTU = 1500 - OVERHEAD;

    public enum Device { OURS, KERNEL, AUTO }

    private final Host host;
    private final Launcher launcher;
    private final String iface;
    private final int port;
    private final Integer mtu;
    private final int keepalive;
    private final Device device;
    private final Path keyFile;
    private final Map<String, String> env;
    private Path pskFile;

    public WireGuardBackend(Host host, Launcher launcher, String iface, int port, Integer mtu, int keepalive, Device device,
                            Map<String, String> env) {
        this.host = host;
        this.launcher = launcher;
        this.iface = iface;
        this.port = port;
        this.mtu = mtu;
        this.keepalive = keepalive;
        this.device = device;
        this.keyFile = KeyFile.path(env);
        this.env = env;
    }

    /** A preshared key for every peer (flannel's Backend.PSK), from a file only root reads. */
    public void presharedKey(Path file) {
        this.pskFile = file;
    }

    public String iface() {
        return iface;
    }

    public int port() {
        return port;
    }

    @Override
    public String preStartup(FlannelEnv ignored) throws IOException {
        return KeyFile.publicKey(KeyFile.loadOrCreate(keyFile));
    }

    @Override
    public void postStartup(FlannelEnv e) throws IOException {
        if (!e.hasSubnet()) throw new IOException("post-startup: flannel gave neither SUBNET nor IPV6SUBNET");
        KeyFile.loadOrCreate(keyFile);
        host.deleteLink(iface);   // a device left by an earlier run: start clean, as flannel's own backend does
        int m = mtu != null ? mtu : underlayMtu(e) - OVERHEAD;
        create(m);
        host.run("wg", "set", iface, "private-key", keyFile.toString(), "listen-port", Integer.toString(port));
        for (IpNet s : subnets(e)) host.run("ip", "addr", "replace", s.hostAddress(), "dev", iface);
        host.run("ip", "link", "set", iface, "up");
        if (e.network().isPresent()) host.run("ip", "route", "replace", e.network().get().toString(), "dev", iface);
    }

    @Override
    public void subnetAdd(FlannelEnv e, String backendData) throws IOException {
        String key = KeyFile.checkPublicKey(firstLine(backendData));
        addPeer(key, port, e);
    }

    @Override
    public void subnetRemove(FlannelEnv e, String backendData) throws IOException {
        removePeer(KeyFile.checkPublicKey(firstLine(backendData)), e);
    }

    /** The remote node as a peer: its subnets as allowed IPs (and routes), its public address and {@code peerPort} as endpoint. */
    public void addPeer(String key, int peerPort, FlannelEnv e) throws IOException {
        InetAddress at = e.publicAddress().orElseThrow(() -> new IOException("no public address (PUBLIC_IP or PUBLIC_IPV6) for peer " + key));
        List<IpNet> subnets = subnets(e);
        if (subnets.isEmpty()) throw new IOException("no subnet (SUBNET or IPV6SUBNET) for peer " + key);
        List<String> cmd = new ArrayList<>(List.of("wg", "set", iface, "peer", key, "endpoint", endpoint(at, peerPort),
                "allowed-ips", String.join(",", subnets.stream().map(IpNet::toString).toList())));
        if (keepalive > 0) cmd.addAll(List.of("persistent-keepalive", Integer.toString(keepalive)));
        if (pskFile != null) cmd.addAll(List.of("preshared-key", pskFile.toString()));
        host.run(cmd.toArray(String[]::new));
        // the IPv6 cluster network is not in flannel's environment, so each remote subnet gets its own route
        for (IpNet s : subnets) host.run("ip", "route", "replace", s.toString(), "dev", iface);
    }

    public void removePeer(String key, FlannelEnv e) throws IOException {
        host.run("wg", "set", iface, "peer", key, "remove");
        for (IpNet s : subnets(e)) host.result("ip", "route", "del", s.toString(), "dev", iface);   // gone already is fine
    }

    @Override
    public void shutdown() throws IOException {
        host.deleteLink(iface);   // our device and wireguard-go exit with their interface; the key file stays
    }

    private void create(int m) throws IOException {
        if (device == Device.OURS) {
            launcher.startDaemon(iface, List.of("--mtu", Integer.toString(m)));
            return;
        }
        Command.Result kernel = host.result("ip", "link", "add", iface, "type", "wireguard");
        if (!kernel.ok()) {
            if (device == Device.KERNEL) throw new IOException("no kernel WireGuard: " + kernel.output().strip());
            String other = env.get("WG_QUICK_USERSPACE_IMPLEMENTATION");
            if (other == null || other.isBlank()) {
                launcher.startDaemon(iface, List.of("--mtu", Integer.toString(m)));
                return;
            }
            startUserspace(other);
        }
        host.run("ip", "link", "set", "mtu", Integer.toString(m), "dev", iface);
    }

    /** Another userspace implementation, started as wg-quick starts one: `IMPL NAME`, then wait for its socket. */
    private void startUserspace(String implementation) throws IOException {
        Command.Result r = host.result(implementation, iface);
        if (!r.ok()) throw new IOException(implementation + " " + iface + " failed: " + r.output().strip());
        Path sock = Path.of("/var/run/wireguard", iface + ".sock");
        for (int i = 0; i < 200 && !Files.exists(sock); i++) Host.sleep(50);
        if (!Files.exists(sock)) throw new IOException(implementation + " did not create " + sock);
    }

    private int underlayMtu(FlannelEnv e) throws IOException {
        Optional<InetAddress> own = e.publicAddress();
        return own.isPresent() ? host.mtuOf(own.get()).orElse(1500) : 1500;
    }

    private static String endpoint(InetAddress a, int port) {
        return (a instanceof Inet6Address ? "[" + IpNet.text(a) + "]" : a.getHostAddress()) + ":" + port;
    }

    static List<IpNet> subnets(FlannelEnv e) {
        List<IpNet> l = new ArrayList<>(2);
        e.subnet().ifPresent(l::add);
        e.ipv6Subnet().ifPresent(l::add);
        return l;
    }

    static String firstLine(String data) {
        String t = data.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
