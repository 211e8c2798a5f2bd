package dev.dataplane.uapi;

import dev.dataplane.net.Printable;
import dev.dataplane.device.DeviceConfig;
import dev.dataplane.device.DeviceConfig.DeviceInfo;
import dev.dataplane.device.DeviceConfig.PeerEditor;
import dev.dataplane.device.DeviceConfig.PeerInfo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * WireGuard's cross-platform configuration protocol (wireguard.com/xplatform), as wireguard-go serves it:
 * `get=1` and `set=1` requests of key=value lines ending in a blank line, each answered by `errno=N`.
 * One instance per connection.
 */
public final class UapiProtocol {
    /** Longest request line we accept; anything longer is garbage, not configuration. */
    static final int MAX_LINE = 4096;
    /** Most lines in one set request (a large flannel cluster is a few thousand allowed_ip lines). */
    static final int MAX_LINES = 1 << 18;
    /** Most characters kept from one set request: bounds what a client can make us hold before applying. */
    static final int MAX_REQUEST_CHARS = 16 << 20;

    private final DeviceConfig device;
    private final java.util.function.Consumer<String> log;

    public UapiProtocol(DeviceConfig device, java.util.function.Consumer<String> log) {
        this.device = device;
        this.log = log;
    }

    /** Serves requests until the client closes; returns false when the stream held something not UAPI. */
    public boolean serve(BufferedReader in, Writer out) throws IOException {
        String op;
        while ((op = LineReader.read(in, MAX_LINE)) != null) {
            int errno = 0;
            switch (op) {
                case "get=1" -> {
                    String blank = LineReader.read(in, MAX_LINE);
                    if (blank == null) return true;
                    if (!blank.isEmpty()) {
                        errno = UapiException.EINVAL;
                        log.accept("UAPI: trailing data after get=1");
                    } else {
                        writeGet(device.get(), out);
                    }
                }
                case "set=1" -> errno = set(in);
                default -> {
                    log.accept("UAPI: invalid operation: " + Printable.of(op));
                    return false;
                }
            }
            out.write("errno=" + errno + "\n\n");
            out.flush();
        }
        return true;
    }

    private int set(BufferedReader in) throws IOException {
        List<String[]> lines = new ArrayList<>();
        UapiException parseError = null;
        long chars = 0;
        String line;
        while ((line = LineReader.read(in, MAX_LINE)) != null && !line.isEmpty()) {
            if (parseError != null) continue; // keep reading to the end of the request
            int eq = line.indexOf('=');
            if (eq < 0) {
                parseError = new UapiException(UapiException.EPROTO, "failed to parse line " + Printable.of(line));
            } else if (lines.size() >= MAX_LINES || (chars += line.length()) > MAX_REQUEST_CHARS) {
                parseError = new UapiException(UapiException.EINVAL, "request too large (over " + MAX_LINES
                        + " lines or " + (MAX_REQUEST_CHARS >> 20) + " MiB)");
                lines.clear();   // nothing of it will be applied; do not hold it while the rest is read
            } else {
                lines.add(new String[] {line.substring(0, eq), line.substring(eq + 1)});
            }
        }
        if (line == null && parseError == null) {
            // the client went away before the blank line that ends a set: an incomplete request is not applied
            parseError = new UapiException(UapiException.EPROTO, "set request ended before its blank line; nothing applied");
        }
        if (parseError != null) {
            log.accept("UAPI: " + parseError.getMessage());
            return parseError.errno;
        }
        try {
            SetRequest request = SetRequest.parse(lines);
            device.set(editor -> request.apply(editor));
            return 0;
        } catch (UapiException e) {
            log.accept("UAPI: " + e.getMessage());
            return e.errno;
        }
    }

    static void writeGet(DeviceInfo d, Writer out) throws IOException {
        HexFormat hex = HexFormat.of();
        StringBuilder sb = new StringBuilder();
        if (d.privateKey() != null) sb.append("private_key=").append(hex.formatHex(d.privateKey())).append('\n');
        if (d.listenPort() != 0) sb.append("listen_port=").append(d.listenPort()).append('\n');
        if (d.fwmark() != 0) sb.append("fwmark=").append(Integer.toUnsignedString(d.fwmark())).append('\n');
        for (PeerInfo p : d.peers()) {
            sb.append("public_key=").append(hex.formatHex(p.publicKey())).append('\n');
            sb.append("preshared_key=").append(hex.formatHex(p.presharedKey())).append('\n');
            sb.append("protocol_version=1\n");
            if (p.endpoint() != null) sb.append("endpoint=").append(Endpoints.format(p.endpoint())).append('\n');
            long nanos = p.lastHandshakeEpochNanos();
            sb.append("last_handshake_time_sec=").append(nanos / 1_000_000_000L).append('\n');
            sb.append("last_handshake_time_nsec=").append(nanos % 1_000_000_000L).append('\n');
            sb.append("tx_bytes=").append(p.txBytes()).append('\n');
            sb.append("rx_bytes=").append(p.rxBytes()).append('\n');
            sb.append("persistent_keepalive_interval=").append(p.persistentKeepaliveSeconds()).append('\n');
            for (Map.Entry<InetAddress, Integer> e : p.allowedIps()) {
                sb.append("allowed_ip=").append(Endpoints.host(e.getKey())).append('/').append(e.getValue()).append('\n');
            }
        }
        out.write(sb.toString());
    }


    /** A validated `set` request: all parsing happens before anything is applied. */
    record SetRequest(List<Op> ops) {
        sealed interface Op permits DeviceOp, PeerOp {}
        record DeviceOp(String key, Object value) implements Op {}
        record PeerOp(byte[] publicKey, boolean updateOnly, List<String[]> lines) implements Op {}

        static SetRequest parse(List<String[]> lines) {
            List<Op> ops = new ArrayList<>();
            PeerOp current = null;
            for (String[] kv : lines) {
                String key = kv[0], value = kv[1];
                if (key.equals("public_key")) {
                    current = new PeerOp(Keys.parse(value, "public_key"), false, new ArrayList<>());
                    ops.add(current);
                    continue;
                }
                if (current == null) {
                    ops.add(new DeviceOp(key, parseDeviceValue(key, value)));
                } else {
                    validatePeerLine(key, value);
                    if (key.equals("update_only")) {
                        PeerOp replaced = new PeerOp(current.publicKey, true, current.lines);
                        ops.set(ops.size() - 1, replaced);
                        current = replaced;
                    }
                    current.lines.add(kv);
                }
            }
            return new SetRequest(ops);
        }

        private static Object parseDeviceValue(String key, String value) {
            return switch (key) {
                case "private_key" -> Keys.parse(value, "private_key");
                case "listen_port" -> Numbers.parse(value, 0xffff, "listen_port");
                case "fwmark" -> (int) (long) Numbers.parseLong(value, 0xffffffffL, "fwmark");
                case "replace_peers" -> requireTrue(value, "replace_peers");
                default -> throw new UapiException(UapiException.EINVAL, "invalid UAPI device key: " + key);
            };
        }

        private static void validatePeerLine(String key, String value) {
            switch (key) {
                case "update_only" -> requireTrue(value, "update_only");
                case "remove" -> requireTrue(value, "remove");
                case "replace_allowed_ips" -> requireTrue(value, "replace_allowed_ips");
                case "preshared_key" -> Keys.parse(value, "preshared_key");
                case "endpoint" -> Endpoints.parse(value);
                case "persistent_keepalive_interval" -> Numbers.parse(value, 0xffff, "persistent keepalive interval");
                case "allowed_ip" -> Prefixes.parse(value);
                case "protocol_version" -> {
                    if (!value.equals("1")) throw new UapiException(UapiException.EINVAL, "invalid protocol version: " + value);
                }
                default -> throw new UapiException(UapiException.EINVAL, "invalid UAPI peer key: " + key);
            }
        }

        private static Boolean requireTrue(String value, String key) {
            if (!value.equals("true")) throw new UapiException(UapiException.EINVAL, key + ": invalid value " + Printable.of(value));
            return Boolean.TRUE;
        }

        void apply(DeviceConfig.Editor editor) {
            for (Op op : ops) {
                if (op instanceof DeviceOp d) applyDevice(editor, d);
                else if (op instanceof PeerOp p) applyPeer(editor.peer(p.publicKey, !p.updateOnly), p.lines);
            }
        }

        private static void applyDevice(DeviceConfig.Editor editor, DeviceOp d) {
            try {
                switch (d.key) {
                    case "private_key" -> editor.privateKey((byte[]) d.value);
                    case "listen_port" -> editor.listenPort((Integer) d.value);
                    case "fwmark" -> editor.fwmark((Integer) d.value);
                    case "replace_peers" -> editor.replacePeers();
                    default -> throw new IllegalStateException(d.key);
                }
            } catch (IOException e) {
                throw new UapiException(UapiException.EADDRINUSE, "failed to set " + d.key + ": " + e.getMessage());
            }
        }

        private static void applyPeer(PeerEditor peer, List<String[]> lines) {
            for (String[] kv : lines) {
                String v = kv[1];
                switch (kv[0]) {
                    case "remove" -> peer.remove();
                    case "preshared_key" -> peer.presharedKey(Keys.parse(v, "preshared_key"));
                    case "endpoint" -> peer.endpoint(Endpoints.parse(v));
                    case "persistent_keepalive_interval" -> peer.persistentKeepalive(Numbers.parse(v, 0xffff, "keepalive"));
                    case "replace_allowed_ips" -> peer.replaceAllowedIps();
                    case "allowed_ip" -> {
                        Map.Entry<InetAddress, Integer> prefix = Prefixes.parse(v);
                        peer.allowedIp(prefix.getKey(), prefix.getValue());
                    }
                    default -> { } // update_only and protocol_version were handled while parsing
                }
            }
        }
    }
}
