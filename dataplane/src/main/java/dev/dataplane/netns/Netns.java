package dev.dataplane.netns;

import dev.dataplane.os.Command;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A network namespace made for a test, the demo or the benchmark, with a unique name. Closing it kills the
 * processes started through it (by PID, nothing else) and deletes the namespace, which also removes every
 * link inside it.
 */
public final class Netns implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    /** Names {@link #create} gives, and tun's test namespaces too: dp-PREFIX-PID-N. */
    private static final Pattern OURS = Pattern.compile("dp-.+-(\\d+)-\\d+");
    private static final AtomicBoolean SWEPT = new AtomicBoolean();

    private final String name;
    private final List<Process> processes = new ArrayList<>();

    private Netns(String name) {
        this.name = name;
    }

    /** Creates "dp-PREFIX-PID-N" with its loopback up. */
    public static Netns create(String prefix) throws IOException {
        if (SWEPT.compareAndSet(false, true)) deleteOrphans();
        String name = "dp-" + prefix + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
        run(List.of("ip", "netns", "add", name));
        Netns ns = new Netns(name);
        try {
            ns.exec("ip", "link", "set", "lo", "up");
        } catch (IOException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /**
     * Deletes the namespaces of a process that made them here and died without closing them (killed: no
     * {@code finally} ran, and a tap or veth is left inside). Their names carry that PID; a namespace whose maker
     * still runs, or with a process still inside (not ours to kill), is left alone.
     */
    static void deleteOrphans() {
        try {
            for (String line : run(List.of("ip", "netns", "list")).split("\n")) {
                String name = line.strip().split("\\s+")[0];    // "NAME (id: N)"
                Matcher m = OURS.matcher(name);
                if (!m.matches() || ProcessHandle.of(Long.parseLong(m.group(1))).isPresent()) continue;
                if (!run(List.of("ip", "netns", "pids", name)).isBlank()) continue;
                run(List.of("ip", "netns", "delete", name));
                System.err.println("deleted namespace " + name + ", left behind by process " + m.group(1) + " (no longer running)");
            }
        } catch (IOException | NumberFormatException e) {
            System.err.println("warning: could not look for namespaces left behind: " + e.getMessage());
        }
    }

    /** Runs a command inside the namespace and returns its stdout; fails with its output if it fails. */
    public String exec(String... cmd) throws IOException {
        return run(inside(Map.of(), cmd));
    }

    /** Runs a command inside the namespace, returning its exit status and not throwing on failure. */
    public int status(String... cmd) throws IOException {
        return result(cmd).status();
    }

    /** Runs a command inside the namespace, returning its status and output and not throwing on failure. */
    public Command.Result result(String... cmd) throws IOException {
        return Command.result(inside(Map.of(), cmd), Map.of());
    }

    /** The same for a command that may run longer than {@link Command#TIMEOUT_S}: killed after {@code timeoutSeconds}. */
    public Command.Result result(long timeoutSeconds, String... cmd) throws IOException {
        return Command.result(inside(Map.of(), cmd), Map.of(), timeoutSeconds);
    }

    /** Starts a long-running command inside the namespace; it is killed on {@link #close()}. */
    public Process start(Map<String, String> env, Path log, String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(inside(env, cmd)).redirectErrorStream(true);
        pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        synchronized (processes) {
            processes.add(p);
        }
        return p;
    }

    private List<String> inside(Map<String, String> env, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        if (!env.isEmpty()) {
            full.add("env");
            env.forEach((k, v) -> full.add(k + "=" + v));
        }
        full.addAll(List.of(cmd));
        return full;
    }

    /** Joins two namespaces with a veth pair and gives each end an address (e.g. "198.18.0.1/24"). */
    public static void link(Netns a, String ifA, String addrA, Netns b, String ifB, String addrB) throws IOException {
        run(List.of("ip", "link", "add", ifA, "netns", a.name, "type", "veth", "peer", "name", ifB, "netns", b.name));
        a.exec("ip", "addr", "add", addrA, "dev", ifA);
        b.exec("ip", "addr", "add", addrB, "dev", ifB);
        a.exec("ip", "link", "set", ifA, "up");
        b.exec("ip", "link", "set", ifB, "up");
    }

    @Override
    public void close() {
        synchronized (processes) {
            for (Process p : processes) {
                p.destroy();
                try {
                    if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            processes.clear();
        }
        killDaemons();
        try {
            run(List.of("ip", "netns", "delete", name));
        } catch (IOException e) {
            System.err.println("warning: could not delete namespace " + name + ": " + e.getMessage());
        }
    }

    /**
     * Daemons started inside (by a command run here that forked and returned, like `dataplane --daemon` or
     * wireguard-go) keep the namespace alive after `ip netns delete`: stop every process still in it. The
     * namespace is this object's own, so everything in it was started through it.
     */
    private void killDaemons() {
        for (int round = 0; round < 2; round++) {
            List<Long> pids = new ArrayList<>();
            try {
                for (String line : run(List.of("ip", "netns", "pids", name)).split("\n")) {
                    if (!line.isBlank()) pids.add(Long.parseLong(line.strip()));
                }
            } catch (IOException | NumberFormatException e) {
                return;
            }
            if (pids.isEmpty()) return;
            boolean force = round > 0;
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    if (force) h.destroyForcibly();
                    else h.destroy();
                });
            }
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    try {
                        h.onExit().get(5, TimeUnit.SECONDS);
                    } catch (Exception ignored) {
                        // forced in the next round
                    }
                });
            }
        }
    }

    /** Runs a command to completion; returns its output, or throws with everything it printed. */
    public static String run(List<String> cmd) throws IOException {
        return Command.output(cmd);
    }
}
