package dev.dataplane.flannel;

import dev.dataplane.flannel.etcd.EtcdClient;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * `dataplane flannel agent`: flanneld's job for its wireguard backend on a node without the module, against
 * flannel's etcd store. Reads PREFIX/config, takes a subnet lease at PREFIX/subnets/… in flannel's format
 * (the same one again after a restart: the lease holding this node's public IP), sets up our device as
 * flannel sets up flannel-wg, writes /run/flannel/subnet.env, then keeps one peer per other wireguard lease,
 * following a watch, and renews its lease before its TTL runs out. Errors talking to etcd are retried with
 * backoff, never fatal once running.
 */
public final class Agent {
    /** flannel's subnet lease TTL and renew margin. */
    static final Duration LEASE_TTL = Duration.ofHours(24);
    static final Duration RENEW_MARGIN = Duration.ofHours(1);
    private static final int MAX_BACKOFF_MS = 5000;

    private final EtcdClient etcd;
    private final String prefix;
    private final java.util.function.Function<NetworkConfig, WireGuardBackend> deviceFor;
    private WireGuardBackend device;
    private final InetAddress publicIp, publicIpv6;
    private final Path subnetFile;
    private final PrintStream log;
    private final SecureRandom random = new SecureRandom();
    /** Peers configured on the device, by lease key name: what the watch compares against. */
    private final Map<String, Lease> peers = new HashMap<>();
    private NetworkConfig config;
    private Lease own;
    private volatile Instant expires = Instant.MAX;
    private volatile boolean stopping;

    /** {@code deviceFor} makes the device's settings from the network config (its port, keepalive, MTU, PSK). */
    public Agent(EtcdClient etcd, String prefix, java.util.function.Function<NetworkConfig, WireGuardBackend> deviceFor, InetAddress publicIp, InetAddress publicIpv6,
                 Path subnetFile, PrintStream log) {
        this.etcd = etcd;
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        this.deviceFor = deviceFor;
        this.publicIp = publicIp;
        this.publicIpv6 = publicIpv6;
        this.subnetFile = subnetFile;
        this.log = log;
    }

    /** Joins the network, then follows it until {@link #stop()}. */
    public void run() throws IOException, InterruptedException {
        config = readConfig();
        if (!config.backendType().equals("wireguard")) {
            throw new IOException(prefix + "/config has Backend.Type " + config.backendType() + "; this agent does flannel's wireguard backend");
        }
        device = deviceFor.apply(config);
        String publicKey = device.preStartup(null);
        for (int backoff = 100; own == null; backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)) {
            try {
                own = acquire(publicKey);
            } catch (IOException e) {
                if (stopping) throw new InterruptedException("stopped");
                log("taking a lease: " + e.getMessage() + "; retrying");
                Thread.sleep(backoff);
            }
        }
        log("lease " + prefix + "/subnets/" + own.keyName() + " (public key " + publicKey + ")");
        device.postStartup(own.asEnv(config.network()));
        writeSubnetEnv();
        Thread renewer = Thread.ofVirtual().name("lease-renewal").start(this::renewLoop);
        try {
            follow();
        } finally {
            renewer.interrupt();
        }
    }

    /** Stops following; the device is removed (as flannel removes flannel-wg), the lease stays for the next start. */
    public void stop() {
        stopping = true;
    }

    public void removeDevice() throws IOException {
        if (device != null) device.shutdown();
    }

    private NetworkConfig readConfig() throws IOException, InterruptedException {
        for (int backoff = 100; ; backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)) {
            try {
                EtcdClient.Range r = etcd.range(prefix + "/config", false);
                if (!r.kvs().isEmpty()) return NetworkConfig.parse(r.kvs().getFirst().value());
                log("no network config at " + prefix + "/config yet; waiting");
            } catch (IOException e) {
                log("etcd: " + e.getMessage() + "; retrying");
            } catch (IllegalArgumentException e) {
                throw new IOException(prefix + "/config: " + e.getMessage());
            }
            if (stopping) throw new InterruptedException("stopped");
            Thread.sleep(backoff);
        }
    }

    private Lease acquire(String publicKey) throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 10; attempt++) {
            List<Lease> leases = new ArrayList<>();
            for (EtcdClient.KeyValue kv : etcd.range(prefix + "/subnets/", true).kvs()) {
                parse(kv).ifPresent(leases::add);
            }
            // a restart: the lease with our public IP is ours again, if it still fits the config (flanneld's rule)
            for (Lease l : leases) {
                if (publicIp != null && publicIp.equals(l.publicIp()) && fits(l)) {
                    Lease mine = attrs(l.subnet(), l.ipv6Subnet(), publicKey);
                    long lease = etcd.grant(LEASE_TTL.toSeconds());
                    etcd.put(key(mine), mine.toJson(), lease);
                    expires = Instant.now().plus(LEASE_TTL);
                    return mine;
                }
            }
            Lease mine = attrs(pick(config.network(), config.subnetLen(), config.subnetMin(), config.subnetMax(), leases, false),
                    config.ipv6Network() == null ? null
                            : pick(config.ipv6Network(), config.ipv6SubnetLen(), config.ipv6SubnetMin(), config.ipv6SubnetMax(), leases, true),
                    publicKey);
            long lease = etcd.grant(LEASE_TTL.toSeconds());
            if (etcd.create(key(mine), mine.toJson(), lease)) {
                expires = Instant.now().plus(LEASE_TTL);
                return mine;
            }
            etcd.revoke(lease);   // another node took it between our list and our create: pick again
        }
        throw new IOException("could not take a subnet lease after 10 tries");
    }

    /** flannel's allocation: one of the first 100 free subnets in the range, at random. */
    private IpNet pick(IpNet network, int len, BigInteger min, BigInteger max, List<Lease> taken, boolean v6) throws IOException {
        if (network == null) return null;
        BigInteger step = BigInteger.ONE.shiftLeft((v6 ? 128 : 32) - len);
        List<IpNet> free = new ArrayList<>();
        for (BigInteger at = min; at.compareTo(max) <= 0 && free.size() < 100; at = at.add(step)) {
            IpNet candidate = IpNet.of(at, v6, len);
            boolean used = taken.stream().anyMatch(l -> {
                IpNet other = v6 ? l.ipv6Subnet() : l.subnet();
                return other != null && other.overlaps(candidate);
            });
            if (!used) free.add(candidate);
        }
        if (free.isEmpty()) throw new IOException("out of subnets in " + network);
        return free.get(random.nextInt(free.size()));
    }

    private boolean fits(Lease l) {
        boolean v4 = config.network() == null || (config.network().contains(l.subnet()) && l.subnet().prefix() == config.subnetLen());
        boolean v6 = config.ipv6Network() == null
                || (l.ipv6Subnet() != null && config.ipv6Network().contains(l.ipv6Subnet()) && l.ipv6Subnet().prefix() == config.ipv6SubnetLen());
        return v4 && v6;
    }

    private Lease attrs(IpNet subnet, IpNet subnet6, String publicKey) {
        int port = device.port();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("PublicKey", publicKey);
        data.put("Port", (long) port);
        Map<String, Object> data6 = new LinkedHashMap<>(data);
        data6.put("Port", config.backendNumber("ListenPortV6", 51821));
        // flannel keys a lease by its IPv4 subnet even on an IPv6-only network (0.0.0.0/0 there)
        IpNet v4 = subnet != null ? subnet : IpNet.parse("0.0.0.0/0");
        return new Lease(v4, subnet6, publicIp, publicIpv6, "wireguard", subnet != null ? data : null, subnet6 != null ? data6 : null);
    }

    /** Lists every lease and makes the device's peers match; then watches and applies each change as it comes. */
    private void follow() throws InterruptedException {
        int backoff = 100;
        while (!stopping) {
            try {
                EtcdClient.Range r = etcd.range(prefix + "/subnets/", true);
                Map<String, Lease> now = new HashMap<>();
                for (EtcdClient.KeyValue kv : r.kvs()) parse(kv).ifPresent(l -> now.put(l.keyName(), l));
                for (String k : new ArrayList<>(peers.keySet())) if (!now.containsKey(k)) removed(k);
                for (Lease l : now.values()) added(l);
                backoff = 100;
                etcd.watch(prefix + "/subnets/", r.revision() + 1, events -> {
                    for (EtcdClient.Event e : events) {
                        String name = e.kv().key().substring(e.kv().key().lastIndexOf('/') + 1);
                        if (e.delete()) removed(name);
                        else parse(e.kv()).ifPresent(this::added);
                    }
                });
            } catch (IOException | RuntimeException e) {
                if (stopping) return;
                log("etcd: " + e.getMessage() + "; listing again in " + backoff + " ms");
            }
            if (stopping) return;
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    private void added(Lease l) {
        if (own != null && l.keyName().equals(own.keyName())) return;
        if (!l.backendType().equals("wireguard")) return;   // flannel ignores other backends' leases too
        if (l.equals(peers.get(l.keyName()))) return;
        String key = l.publicKey();
        try {
            KeyFile.checkPublicKey(key == null ? "" : key);
            Lease before = peers.get(l.keyName());
            if (before != null && before.publicKey() != null && !before.publicKey().equals(key)) device.removePeer(before.publicKey(), before.asEnv(null));
            device.addPeer(key, l.port(device.port()), l.asEnv(null));
            peers.put(l.keyName(), l);
            log("peer " + key + " for " + l.keyName() + " at " + l.asEnv(null).publicAddress().map(IpNet::text).orElse("?"));
        } catch (IOException | IllegalArgumentException e) {
            log("lease " + l.keyName() + " skipped: " + e.getMessage());
        }
    }

    private void removed(String keyName) {
        Lease l = peers.remove(keyName);
        if (l == null) return;
        try {
            device.removePeer(l.publicKey(), l.asEnv(null));
            log("peer " + l.publicKey() + " removed (lease " + keyName + " gone)");
        } catch (IOException e) {
            log("removing peer of " + keyName + ": " + e.getMessage());
        }
    }

    /** Puts our lease again with a fresh TTL when less than the renew margin is left, as flanneld does. */
    private void renewLoop() {
        while (!stopping) {
            try {
                Duration left = Duration.between(Instant.now(), expires);
                Thread.sleep(Math.max(1000, left.minus(RENEW_MARGIN).toMillis()));
                long lease = etcd.grant(LEASE_TTL.toSeconds());
                etcd.put(key(own), own.toJson(), lease);
                expires = Instant.now().plus(LEASE_TTL);
                log("lease renewed");
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log("renewing the lease: " + e.getMessage() + "; retrying");
                expires = Instant.now().plus(RENEW_MARGIN).plusSeconds(10);
            }
        }
    }

    private Optional<Lease> parse(EtcdClient.KeyValue kv) {
        String name = kv.key().substring(kv.key().lastIndexOf('/') + 1);
        try {
            return Optional.of(Lease.parse(name, kv.value()));
        } catch (IllegalArgumentException e) {
            log("ignoring " + kv.key() + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private String key(Lease l) {
        return prefix + "/subnets/" + l.keyName();
    }

    /** /run/flannel/subnet.env as flanneld writes it: the networks, the node's first pod address, MTU, masquerade. */
    private void writeSubnetEnv() throws IOException {
        StringBuilder sb = new StringBuilder();
        if (config.network() != null) {
            sb.append("FLANNEL_NETWORK=").append(config.network()).append('\n');
            sb.append("FLANNEL_SUBNET=").append(firstHost(own.subnet())).append('\n');
        }
        if (config.ipv6Network() != null) {
            sb.append("FLANNEL_IPV6_NETWORK=").append(config.ipv6Network()).append('\n');
            sb.append("FLANNEL_IPV6_SUBNET=").append(firstHost(own.ipv6Subnet())).append('\n');
        }
        Path mtu = Path.of("/sys/class/net", device.iface(), "mtu");
        sb.append("FLANNEL_MTU=").append(Files.exists(mtu) ? Files.readString(mtu).strip() : "1420").append('\n');
        sb.append("FLANNEL_IPMASQ=false\n");
        Path dir = subnetFile.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = subnetFile.resolveSibling(subnetFile.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString());
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, subnetFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String firstHost(IpNet n) {
        return IpNet.of(n.value().add(BigInteger.ONE), n.ipv6(), n.prefix()).toString();
    }

    private void log(String line) {
        log.println(Instant.now() + " flannel agent: " + line);
        log.flush();
    }
}
