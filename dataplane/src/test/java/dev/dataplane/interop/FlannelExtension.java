package dev.dataplane.interop;

import dev.dataplane.json.Json;
import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test harness: flannel's extension backend, reproduced. It reads a net-conf file and runs its commands the
 * way flanneld does — under the old runner (`sh -c COMMAND`) or the current one (split on whitespace, $VAR and
 * ${VAR} expanded by flannel itself, the first word executed without a shell) — with flannel's environment
 * variables, the remote's BackendData on stdin followed by a newline, and the command's trimmed combined
 * output as this node's BackendData.
 */
final class FlannelExtension {
    enum Runner { SHELL, EXEC }

    /** The commands of a net-conf's "Backend" (Type must be "extension"). */
    record Commands(String preStartup, String postStartup, String subnetAdd, String subnetRemove, String shutdown) {
        static Commands read(Path netConf) throws IOException {
            Map<String, Object> conf = Json.object(Json.parse(Files.readString(netConf)), netConf.toString());
            Map<String, Object> backend = Json.object(conf.get("Backend"), "Backend");
            if (!"extension".equals(backend.get("Type"))) throw new IOException(netConf + ": Backend.Type is not extension");
            return new Commands(Json.string(backend, "PreStartupCommand"), Json.string(backend, "PostStartupCommand"),
                    Json.string(backend, "SubnetAddCommand"), Json.string(backend, "SubnetRemoveCommand"),
                    Json.string(backend, "ShutdownCommand"));
        }
    }

    record Result(int status, String output) {}

    private FlannelExtension() {}

    /**
     * Runs one command for a node: inside its namespace and with its own /run (a mount namespace where the
     * node's directories are bound over /run/wireguard, /run/dataplane and /run/flannel, as every real node has
     * its own), with flanneld's environment plus {@code vars}, {@code stdin} (if not null) followed by "\n".
     */
    static Result run(Runner runner, Netns ns, Path nodeRun, Map<String, String> flanneldEnv, String command,
                      Map<String, String> vars, String stdin) throws IOException {
        Map<String, String> env = new HashMap<>(flanneldEnv);
        env.putAll(vars);
        List<String> argv = switch (runner) {
            case SHELL -> List.of("sh", "-c", command);
            case EXEC -> expand(List.of(command.strip().split("\\s+")), env);
        };
        return inNode(ns, nodeRun, env, argv, stdin == null ? "\n" : stdin + "\n");
    }

    /**
     * Runs {@code argv} as the node: in its namespace, with its own /run/wireguard, /run/dataplane and /run/flannel
     * (its directories bound over them in a private mount namespace, which daemons it starts keep).
     */
    static Result inNode(Netns ns, Path nodeRun, Map<String, String> env, List<String> argv, String stdin) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(nodeCommand(ns, nodeRun, argv)).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("NODE_RUN", nodeRun.toString());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // the command did not read its stdin: flannel ignores that too
        }
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + argv);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
    }

    /** Starts {@code argv} as the node (see {@link #inNode}) in the background, its output appended to {@code log}. */
    static Process startInNode(Netns ns, Path nodeRun, Map<String, String> env, List<String> argv, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(nodeCommand(ns, nodeRun, argv)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("NODE_RUN", nodeRun.toString());
        return pb.start();
    }

    private static List<String> nodeCommand(Netns ns, Path nodeRun, List<String> argv) throws IOException {
        for (String d : List.of("wireguard", "dataplane", "flannel")) {
            Files.createDirectories(nodeRun.resolve(d));
            Files.createDirectories(Path.of("/run", d));   // mount points only; nothing is written to the host's
        }
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns.name(), "unshare", "--mount", "--propagation", "private",
                "sh", "-c", "for d in wireguard dataplane flannel; do mount --bind \"$NODE_RUN/$d\" /run/$d || exit 97; done; exec \"$@\"", "node"));
        full.addAll(argv);
        return full;
    }

    /** flannel's expansion (Go's os.Expand): $NAME and ${NAME} replaced by the variable's value, or nothing. */
    static List<String> expand(List<String> words, Map<String, String> env) {
        List<String> out = new ArrayList<>(words.size());
        for (String w : words) {
            StringBuilder sb = new StringBuilder();
            int i = 0;
            while (i < w.length()) {
                char c = w.charAt(i);
                if (c != '$' || i + 1 >= w.length()) {
                    sb.append(c);
                    i++;
                    continue;
                }
                char n = w.charAt(i + 1);
                if (n == '{') {
                    int close = w.indexOf('}', i + 2);
                    if (close < 0) i += 2;                       // Go eats a lone "${"
                    else {
                        sb.append(close == i + 2 ? "" : env.getOrDefault(w.substring(i + 2, close), ""));   // "${}" eaten
                        i = close + 1;
                    }
                } else if ("*#$@!?-0123456789".indexOf(n) >= 0) {   // Go's one-character special names
                    sb.append(env.getOrDefault(String.valueOf(n), ""));
                    i += 2;
                } else if (Character.isLetter(n) || n == '_') {
                    int end = i + 1;
                    while (end < w.length() && (Character.isLetterOrDigit(w.charAt(end)) || w.charAt(end) == '_')) end++;
                    sb.append(env.getOrDefault(w.substring(i + 1, end), ""));
                    i = end;
                } else {                                            // "$" before anything else stays
                    sb.append(c);
                    i++;
                }
            }
            out.add(sb.toString());
        }
        return out;
    }
}
