package dev.dataplane.flannel;

import dev.dataplane.net.IpLiteral;
import dev.dataplane.os.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The node as a flannel command sees it: runs its tools (ip, wg, our launcher) through {@link Command}, whose
 * output never goes to a pipe a forked daemon could hold open (flannel waits for the end of our output), and
 * answers questions about its links.
 */
public class Host {
    /** Runs it; a non-zero status or a timeout is an {@link IOException} with the command and its output. */
    public String run(String... cmd) throws IOException {
        return Command.output(List.of(cmd));
    }

    /** Runs it with extra environment variables and returns how it went, without throwing on failure. */
    public Command.Result result(Map<String, String> env, String... cmd) throws IOException {
        return Command.result(List.of(cmd), env);
    }

    public Command.Result result(String... cmd) throws IOException {
        return result(Map.of(), cmd);
    }

    public boolean linkExists(String iface) {
        return Files.exists(Path.of("/sys/class/net", iface));
    }

    /** Deletes the interface if it is there and waits until it is gone (a userspace device exits with it). */
    public void deleteLink(String iface) throws IOException {
        if (!linkExists(iface)) return;
        result("ip", "link", "del", iface);
        for (int i = 0; i < 100 && linkExists(iface); i++) sleep(50);
        if (linkExists(iface)) throw new IOException("interface " + iface + " is still there after ip link del");
    }

    /** The MTU of the interface that holds {@code address}, if one does. */
    public java.util.OptionalInt mtuOf(java.net.InetAddress address) throws IOException {
        String family = address.getAddress().length == 16 ? "-6" : "-4";
        for (String line : run("ip", "-o", family, "addr", "show").split("\n")) {
            List<String> w = List.of(line.strip().split("\\s+"));
            int at = w.indexOf(family.equals("-6") ? "inet6" : "inet");
            if (at < 2 || at + 1 >= w.size()) continue;
            String a = w.get(at + 1);
            a = a.substring(0, a.indexOf('/') < 0 ? a.length() : a.indexOf('/'));
            if (IpLiteral.parse(a).equals(address)) {
                String name = w.get(1);
                int atSign = name.indexOf('@');
                if (atSign > 0) name = name.substring(0, atSign);
                Path mtu = Path.of("/sys/class/net", name, "mtu");
                if (Files.exists(mtu)) return java.util.OptionalInt.of(Integer.parseInt(Files.readString(mtu).strip()));
            }
        }
        return java.util.OptionalInt.empty();
    }

    static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
