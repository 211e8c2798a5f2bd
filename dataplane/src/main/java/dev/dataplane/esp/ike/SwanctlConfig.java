package dev.dataplane.esp.ike;

import dev.dataplane.net.IpLiteral;
import dev.dataplane.net.Printable;
import dev.dataplane.encap.ike.Proposal.Transform;
import dev.dataplane.encap.ike.TrafficSelector;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of swanctl.conf this IKE implementation takes (docs/esp.md lists it): connections with PSK
 * authentication and tunnel-mode children, and IKE secrets. A key it does not know, or a value it cannot honour,
 * is an error naming its line, so a file never means less here than it would to charon.
 */
record SwanctlConfig(List<Connection> connections, List<Secret> secrets) {

    record Connection(String name, InetAddress local, InetAddress remote, List<List<Transform>> proposals, boolean encap,
                      int keyingTries, long rekeySeconds, long dpdSeconds, Identity localId, Identity remoteId, List<Child> children) {}

    record Child(String name, List<TrafficSelector> localTs, List<TrafficSelector> remoteTs, List<List<Transform>> espProposals,
                 long rekeySeconds, String startAction, boolean installPolicy, String closeAction, String dpdAction) {
        /** After the peer closed it (close_action) or stopped answering (dpd_action), is it set up again? */
        boolean restarts(boolean dpd) {
            String a = dpd ? dpdAction : closeAction;
            return a.contains("start") || a.contains("trap");
        }
    }

    /** An IKE secret: the identities it is for (none = any) and the key. */
    record Secret(List<Identity> ids, byte[] key) {}

    private static final Set<String> CONNECTION_KEYS = Set.of("version", "local_addrs", "remote_addrs", "proposals", "encap",
            "keyingtries", "rekey_time", "reauth_time", "over_time", "rand_time", "dpd_delay", "dpd_timeout", "mobike", "fragmentation",
            "unique", "send_certreq", "send_cert", "aggressive", "pull", "local_port", "remote_port");
    private static final Set<String> AUTH_KEYS = Set.of("auth", "id");
    private static final Set<String> CHILD_KEYS = Set.of("mode", "local_ts", "remote_ts", "esp_proposals", "rekey_time", "life_time",
            "rand_time", "start_action", "close_action", "dpd_action", "install_policy", "updown", "hostaccess", "policies");

    static SwanctlConfig parse(String text) {
        Settings.Section root = Settings.parse(text);
        for (String k : root.values.keySet()) throw error(root.values.get(k).line(), "unexpected '" + k + "' outside a section");
        List<Connection> connections = new ArrayList<>();
        List<Secret> secrets = new ArrayList<>();
        for (Settings.Section s : root.sections.values()) {
            switch (s.name) {
                case "connections" -> {
                    for (String k : s.values.keySet()) throw error(s.values.get(k).line(), "unexpected '" + k + "' in connections");
                    for (Settings.Section c : s.sections.values()) connections.add(connection(c));
                }
                case "secrets" -> {
                    for (String k : s.values.keySet()) throw error(s.values.get(k).line(), "unexpected '" + k + "' in secrets");
                    for (Settings.Section c : s.sections.values()) secrets.add(secret(c));
                }
                case "authorities", "pools" -> throw error(s.line, s.name + " are not supported");
                default -> throw error(s.line, "unknown section '" + s.name + "' (connections, secrets)");
            }
        }
        if (connections.isEmpty()) throw new IllegalArgumentException("no connection in the file");
        return new SwanctlConfig(List.copyOf(connections), List.copyOf(secrets));
    }

    private static Connection connection(Settings.Section c) {
        Map<String, Settings.Value> v = c.values;
        for (String k : v.keySet()) if (!CONNECTION_KEYS.contains(k)) throw error(v.get(k).line(), "'" + k + "' is not supported in a connection");
        if (v.containsKey("version") && !Set.of("0", "2").contains(v.get("version").text())) throw error(v.get("version").line(), "only IKEv2 (version = 2)");
        InetAddress local = address(v, "local_addrs", c, true);
        InetAddress remote = address(v, "remote_addrs", c, false);
        if (local != null && remote != null && local.getAddress().length != remote.getAddress().length) {
            throw error(v.get("remote_addrs").line(), "local_addrs and remote_addrs are of different families");
        }
        List<List<Transform>> proposals = proposals(v.get("proposals"), c, false, "aes256-sha256-modp4096");
        boolean encap = yesNo(v.get("encap"), false);
        int tries = (int) number(v.get("keyingtries"), 1, 0, 1000);
        long rekey = seconds(v.get("rekey_time"), 4 * 3600);
        long dpd = seconds(v.get("dpd_delay"), 0);
        for (String off : List.of("reauth_time", "aggressive", "pull", "mobike")) {
            Settings.Value x = v.get(off);
            if (x != null && !Set.of("0", "no", "0s").contains(x.text())) throw error(x.line(), off + " = " + x.text() + " is not supported");
        }
        for (String port : List.of("local_port", "remote_port")) {
            Settings.Value x = v.get(port);
            if (x != null && !x.text().equals("500")) throw error(x.line(), port + " other than 500 is not supported");
        }
        Identity localId = null, remoteId = null;
        List<Child> children = new ArrayList<>();
        for (Settings.Section s : c.sections.values()) {
            if (s.name.equals("local") || s.name.startsWith("local-")) {
                if (localId != null) throw error(s.line, "one local authentication round only");
                localId = auth(s, local);
            } else if (s.name.equals("remote") || s.name.startsWith("remote-")) {
                if (remoteId != null) throw error(s.line, "one remote authentication round only");
                remoteId = auth(s, remote);
            } else if (s.name.equals("children")) {
                for (String k : s.values.keySet()) throw error(s.values.get(k).line(), "unexpected '" + k + "' in children");
                for (Settings.Section ch : s.sections.values()) children.add(child(ch, local, remote));
            } else {
                throw error(s.line, "unknown section '" + s.name + "' in connection " + c.name);
            }
        }
        if (localId == null) throw error(c.line, "connection " + c.name + " needs a local { auth = psk } section");
        if (remoteId == null) throw error(c.line, "connection " + c.name + " needs a remote { auth = psk } section");
        if (children.isEmpty()) throw error(c.line, "connection " + c.name + " has no children");
        return new Connection(c.name, local, remote, proposals, encap, tries, rekey, dpd, localId, remoteId, List.copyOf(children));
    }

    private static Identity auth(Settings.Section s, InetAddress own) {
        for (String k : s.values.keySet()) if (!AUTH_KEYS.contains(k)) throw error(s.values.get(k).line(), "'" + k + "' is not supported in " + s.name);
        Settings.Value a = s.values.get("auth");
        if (a == null || !a.text().equals("psk")) throw error(a == null ? s.line : a.line(), "only auth = psk is supported");
        Settings.Value id = s.values.get("id");
        try {
            if (id != null) return Identity.parse(id.text());
        } catch (IllegalArgumentException e) {
            throw error(id.line(), e.getMessage());
        }
        if (own == null) return new Identity(Identity.ANY, new byte[0]);
        return Identity.of(own);
    }

    private static Child child(Settings.Section ch, InetAddress local, InetAddress remote) {
        Map<String, Settings.Value> v = ch.values;
        for (String k : v.keySet()) if (!CHILD_KEYS.contains(k)) throw error(v.get(k).line(), "'" + k + "' is not supported in a child");
        if (v.containsKey("mode") && !v.get("mode").text().equals("tunnel")) throw error(v.get("mode").line(), "only mode = tunnel is supported");
        List<TrafficSelector> lts = selectors(v.get("local_ts"), ch, local);
        List<TrafficSelector> rts = selectors(v.get("remote_ts"), ch, remote);
        List<List<Transform>> esp = proposals(v.get("esp_proposals"), ch, true, "aes128gcm16");
        String start = v.containsKey("start_action") ? v.get("start_action").text() : "none";
        if (!Set.of("none", "start", "trap", "start|trap", "trap|start").contains(start)) {
            throw error(v.get("start_action").line(), "start_action must be none, start or trap");
        }
        boolean install = yesNo(v.get("install_policy"), true);
        String close = action(v.get("close_action"), Set.of("none", "trap", "start", "trap|start", "start|trap"));
        String dpd = action(v.get("dpd_action"), Set.of("clear", "trap", "restart", "none"));
        return new Child(ch.name, lts, rts, esp, seconds(v.get("rekey_time"), 3600), start, install, close, dpd);
    }

    private static String action(Settings.Value v, Set<String> allowed) {
        if (v == null) return "none";
        if (!allowed.contains(v.text())) throw error(v.line(), "expected one of " + new java.util.TreeSet<>(allowed) + ", got " + Printable.of(v.text()));
        return v.text();
    }

    private static List<TrafficSelector> selectors(Settings.Value v, Settings.Section s, InetAddress dflt) {
        List<TrafficSelector> out = new ArrayList<>();
        if (v == null || v.text().equals("dynamic")) {
            if (dflt == null) throw error(s.line, "child " + s.name + ": a dynamic traffic selector needs a fixed address");
            out.add(TrafficSelector.subnet(dflt, dflt.getAddress().length * 8));
            return out;
        }
        for (String part : v.text().split(",")) {
            String p = part.strip();
            try {
                int slash = p.indexOf('/');
                InetAddress a = IpLiteral.parse(slash < 0 ? p : p.substring(0, slash));
                int len = slash < 0 ? a.getAddress().length * 8 : Integer.parseInt(p.substring(slash + 1));
                if (len < 0 || len > a.getAddress().length * 8) throw new IllegalArgumentException();
                out.add(TrafficSelector.subnet(a, len));
            } catch (Exception e) {
                throw error(v.line(), "'" + Printable.of(p) + "' is not a subnet (ports and protocols are not supported)");
            }
        }
        return out;
    }

    private static List<List<Transform>> proposals(Settings.Value v, Settings.Section s, boolean esp, String dflt) {
        try {
            return ProposalSpec.parseList(v == null ? dflt : v.text(), esp);
        } catch (IllegalArgumentException e) {
            throw error(v == null ? s.line : v.line(), e.getMessage());
        }
    }

    private static InetAddress address(Map<String, Settings.Value> v, String key, Settings.Section c, boolean required) {
        Settings.Value x = v.get(key);
        if (x == null || x.text().equals("%any")) {
            if (required) throw error(x == null ? c.line : x.line(), "connection " + c.name + " needs " + key + " (one address)");
            return null;
        }
        InetAddress a = IpLiteral.parseOrNull(x.text());
        if (a == null) throw error(x.line(), key + " must be one IP address (names and ranges are not supported): " + Printable.of(x.text()));
        return a;
    }

    private static Secret secret(Settings.Section s) {
        if (!s.name.startsWith("ike")) throw error(s.line, "only ike secrets are supported, not " + s.name);
        List<Identity> ids = new ArrayList<>();
        byte[] key = null;
        for (Map.Entry<String, Settings.Value> e : s.values.entrySet()) {
            String k = e.getKey();
            Settings.Value val = e.getValue();
            if (k.equals("id") || k.startsWith("id-")) {
                try {
                    ids.add(Identity.parse(val.text()));
                } catch (IllegalArgumentException ex) {
                    throw error(val.line(), ex.getMessage());
                }
            } else if (k.equals("secret")) {
                String t = val.text();
                try {
                    key = t.startsWith("0x") ? HexFormat.of().parseHex(t.substring(2))
                            : t.startsWith("0s") ? Base64.getDecoder().decode(t.substring(2)) : t.getBytes(StandardCharsets.UTF_8);
                } catch (IllegalArgumentException ex) {
                    throw error(val.line(), "the secret is not valid hex (0x…) or base64 (0s…)");
                }
            } else {
                throw error(val.line(), "'" + k + "' is not supported in a secret");
            }
        }
        if (key == null || key.length == 0) throw error(s.line, s.name + " has no secret");
        return new Secret(List.copyOf(ids), key);
    }

    /** The PSK for this pair of identities: a secret naming both, else one naming either, else one naming none. */
    byte[] psk(Identity local, Identity remote) {
        byte[] best = null;
        int bestScore = -1;
        for (Secret s : secrets) {
            boolean l = s.ids().stream().anyMatch(i -> i.matches(local)), r = s.ids().stream().anyMatch(i -> i.matches(remote));
            int score = s.ids().isEmpty() ? 0 : (l && r) ? 3 : (r ? 2 : (l ? 1 : -1));
            if (score > bestScore) {
                best = s.key();
                bestScore = score;
            }
        }
        return best;
    }

    private static boolean yesNo(Settings.Value v, boolean dflt) {
        if (v == null) return dflt;
        return switch (v.text()) {
            case "yes", "true", "1" -> true;
            case "no", "false", "0" -> false;
            case "force" -> true;
            default -> throw error(v.line(), "expected yes or no, got " + Printable.of(v.text()));
        };
    }

    private static long number(Settings.Value v, long dflt, long min, long max) {
        if (v == null) return dflt;
        try {
            long n = Long.parseLong(v.text());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // below
        }
        throw error(v.line(), "expected a number from " + min + " to " + max);
    }

    /** strongSwan's durations: a number with s, m, h or d (seconds when bare). */
    static long seconds(Settings.Value v, long dflt) {
        if (v == null) return dflt;
        String t = v.text();
        long unit = 1;
        if (t.endsWith("s")) t = t.substring(0, t.length() - 1);
        else if (t.endsWith("m")) {
            unit = 60;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unit = 3600;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("d")) {
            unit = 86400;
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t);
            if (n >= 0 && n < 100L * 365 * 86400 / unit) return n * unit;
        } catch (NumberFormatException ignored) {
            // below
        }
        throw error(v.line(), "expected a duration like 30s, 1h or 1d, got " + Printable.of(v.text()));
    }

    private static IllegalArgumentException error(int line, String message) {
        return new Settings.SyntaxError(line, message);
    }
}
