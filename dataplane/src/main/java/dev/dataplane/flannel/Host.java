package dev.dataplane.flannel;

import dev.dataplane.net.IpLiteral;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the node's own tools (ip, wg, our launcher) for a flannel command. Their output goes to a file, never
 * to a pipe: a daemon they leave behind (wireguard-go forks itself) would otherwise hold the pipe open and
 * hang flannel, which waits for the end of our output.
 */
public class Host {
    private static final long TIMEOUT_S = 60;

    /** A finished command: its exit status and everything it printed. */
    public record Result(int status, String output) {
        public boolean ok() {
            return status == 0;
        }
    }

    /** Runs it; a non-zero status or a timeout is an {@link IOException} with the command and its output. */
    public String run(String... cmd) throws IOException {
        Result r = result(Map.of(), cmd);
        if (!r.ok()) throw new IOException(String.join(" ", cmd) + " failed (" + r.status + "): " + r.output.strip());
        return r.output;
    }

    /** Runs it with extra environment variables and returns how it went, without throwing on failure. */
    public Result result(Map<String, String> env, String... cmd) throws IOException {
        Path out = Files.createTempFile("dataplane-flannel", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + TIMEOUT_S + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    public Result result(String... cmd) throws IOException {
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
