package dev.dataplane.device;

import dev.dataplane.tun.UdpEndpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The configuration surface of a {@link WgDevice} (what UAPI's get and set reach). Every change runs as
 * one task on the control thread, so a whole `set` applies atomically with respect to handshakes and timers.
 */
public final class DeviceConfig {
    /** A snapshot of one peer, as `get` reports it. */
    public record PeerInfo(byte[] publicKey, byte[] presharedKey, InetSocketAddress endpoint,
                           long lastHandshakeEpochNanos, long txBytes, long rxBytes,
                           int persistentKeepaliveSeconds, List<Map.Entry<InetAddress, Integer>> allowedIps) {}

    /** A snapshot of the device, as `get` reports it. */
    public record DeviceInfo(byte[] privateKey, int listenPort, int fwmark, List<PeerInfo> peers) {}

    /** One peer being edited inside {@link Editor}. */
    public interface PeerEditor {
        void remove();
        void presharedKey(byte[] key);
        void endpoint(InetSocketAddress endpoint);
        void persistentKeepalive(int seconds);
        void replaceAllowedIps();
        void allowedIp(InetAddress address, int cidr);
    }

    /** The operations of one `set` transaction. */
    public interface Editor {
        void privateKey(byte[] key);
        void listenPort(int port) throws IOException;
        void fwmark(int mark) throws IOException;
        void replacePeers();
        /** The peer with this key, created unless {@code updateOnly}; a no-op editor for our own key. */
        PeerEditor peer(byte[] publicKey, boolean createIfMissing);
    }

    private final WgDevice device;

    DeviceConfig(WgDevice device) {
        this.device = device;
    }

    public DeviceInfo get() {
        return device.control.call(() -> {
            List<PeerInfo> peers = new ArrayList<>();
            for (Peer p : device.peerList()) {
                UdpEndpoint ep = p.endpoint;
                peers.add(new PeerInfo(p.publicKey(), p.handshake.presharedKey(),
                        ep == null ? null : ep.toInetSocketAddress(), p.lastHandshakeEpochNanos,
                        p.txBytes(), p.rxBytes(), p.persistentKeepaliveSeconds, device.allowedIpsOf(p)));
            }
            return new DeviceInfo(device.privateKey(), device.listenPort(), device.fwmark(), peers);
        });
    }

    /** Applies {@code edits} on the control thread; an exception thrown by them aborts the rest. */
    public void set(Consumer<Editor> edits) {
        device.control.call(() -> {
            List<Peer> keepaliveNow = new ArrayList<>();
            try {
                edits.accept(new EditorImpl(keepaliveNow));
            } finally {
                for (Peer p : keepaliveNow) device.sendKeepalive(p);
                for (Peer p : device.peerList()) device.flushStaged(p);
            }
            return null;
        });
    }

    private final class EditorImpl implements Editor {
        private final List<Peer> keepaliveNow;

        EditorImpl(List<Peer> keepaliveNow) {
            this.keepaliveNow = keepaliveNow;
        }

        @Override
        public void privateKey(byte[] key) {
            device.setPrivateKey(key);
        }

        @Override
        public void listenPort(int port) throws IOException {
            device.bind(port);
        }

        @Override
        public void fwmark(int mark) throws IOException {
            device.setFwmark(mark);
        }

        @Override
        public void replacePeers() {
            device.removeAllPeers();
        }

        @Override
        public PeerEditor peer(byte[] publicKey, boolean createIfMissing) {
            var id = device.identity;
            if (id != null && java.util.Arrays.equals(id.publicKey(), publicKey)) return IGNORED;
            Peer p = device.peer(publicKey);
            if (p == null) {
                if (!createIfMissing) return IGNORED;
                p = device.addPeer(publicKey);
            }
            return new PeerEditorImpl(p, keepaliveNow);
        }
    }

    private final class PeerEditorImpl implements PeerEditor {
        private Peer peer;
        private final List<Peer> keepaliveNow;

        PeerEditorImpl(Peer peer, List<Peer> keepaliveNow) {
            this.peer = peer;
            this.keepaliveNow = keepaliveNow;
        }

        @Override
        public void remove() {
            if (peer != null) device.removePeer(peer);
            keepaliveNow.remove(peer);
            peer = null;
        }

        @Override
        public void presharedKey(byte[] key) {
            if (peer != null) peer.handshake.setPresharedKey(key);
        }

        @Override
        public void endpoint(InetSocketAddress endpoint) {
            if (peer == null) return;
            UdpEndpoint ep = new UdpEndpoint();
            ep.set(endpoint);
            peer.endpoint = ep;
        }

        @Override
        public void persistentKeepalive(int seconds) {
            if (peer == null) return;
            int old = peer.persistentKeepaliveSeconds;
            peer.persistentKeepaliveSeconds = seconds;
            if (old == 0 && seconds != 0) keepaliveNow.add(peer);
        }

        @Override
        public void replaceAllowedIps() {
            if (peer != null) device.clearAllowedIps(peer);
        }

        @Override
        public void allowedIp(InetAddress address, int cidr) {
            if (peer != null) device.addAllowedIp(peer, address, cidr);
        }
    }

    private static final PeerEditor IGNORED = new PeerEditor() {
        @Override public void remove() {}
        @Override public void presharedKey(byte[] key) {}
        @Override public void endpoint(InetSocketAddress endpoint) {}
        @Override public void persistentKeepalive(int seconds) {}
        @Override public void replaceAllowedIps() {}
        @Override public void allowedIp(InetAddress address, int cidr) {}
    };

}
