package dev.dataplane.os;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a tool (ip, wg, iperf3, our own launcher) to completion within a time limit. Its output goes to a
 * temporary file, never to a pipe: a daemon the tool leaves behind (wireguard-go and `dataplane --daemon` fork
 * themselves) would hold a pipe open, and whoever reads the pipe would wait for that daemon instead of the tool.
 */
public final class Command {
    public static final long TIMEOUT_S = 60;

    /** A finished command: its exit status (-1 if it timed out and was killed) and everything it printed. */
    public record Result(int status, String output) {
        public boolean ok() {
            return status == 0;
        }
    }

    private Command() {}

    /** Runs cmd with extra environment variables and stdin from /dev/null; never throws for a failed command. */
    public static Result result(List<String> cmd, Map<String, String> env) throws IOException {
        return result(cmd, env, TIMEOUT_S);
    }

    /** The same, killed after {@code timeoutSeconds} instead of {@link #TIMEOUT_S}. */
    public static Result result(List<String> cmd, Map<String, String> env, long timeoutSeconds) throws IOException {
        Path out = Files.createTempFile("dataplane-cmd", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, Files.readString(out, StandardCharsets.UTF_8) + "\n(timed out after " + timeoutSeconds + " s)");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Runs cmd and returns its output; a non-zero status or a timeout is an IOException with the command and output. */
    public static String output(List<String> cmd) throws IOException {
        Result r = result(cmd, Map.of());
        if (!r.ok()) throw new IOException(String.join(" ", cmd) + " failed (" + r.status() + "): " + r.output().strip());
        return r.output();
    }
}
