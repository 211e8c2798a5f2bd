package dev.dataplane.interop;

import dev.dataplane.demo.OurProcess;
import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Our VXLAN mode as a real process in a namespace (`dataplane --iface NAME --mode vxlan …`), and `dataplane ctl` beside it. */
final class OurVxlan {
    private static final AtomicInteger SEQ = new AtomicInteger();

    final Netns ns;
    final String iface;
    final Process process;

    private OurVxlan(Netns ns, String iface, Process process) {
        this.ns = ns;
        this.iface = iface;
        this.process = process;
    }

    /** A device name unique on this machine: the control socket directory is shared by all namespaces. */
    static String uniqueName(String prefix) {
        return prefix + (ProcessHandle.current().pid() % 10000) + "x" + SEQ.incrementAndGet();
    }

    /** Starts it and returns once its control socket answers. */
    static OurVxlan start(Netns ns, String iface, Path logDir, String... args) throws IOException, InterruptedException {
        Path log = logDir.resolve(iface + ".log");
        List<String> cmd = new ArrayList<>(List.of(OurProcess.java()));
        cmd.addAll(OurProcess.JVM_FLAGS);
        cmd.addAll(List.of("-jar", OurProcess.jar().toString(), "--iface", iface, "--mode", "vxlan"));
        cmd.addAll(List.of(args));
        Process p = ns.start(Map.of(), log, cmd.toArray(String[]::new));
        Path sock = Path.of("/var/run/dataplane", iface + ".sock");
        for (int i = 0; i < 300 && !Files.exists(sock); i++) {
            if (!p.isAlive()) throw new IOException("dataplane --mode vxlan exited early: " + Files.readString(log).strip());
            Thread.sleep(50);
        }
        if (!Files.exists(sock)) throw new IOException("dataplane did not open " + sock + " within 15 s");
        return new OurVxlan(ns, iface, p);
    }

    /** `dataplane ctl IFACE WORDS…` in the namespace; its output, or an exception with what it printed. */
    String ctl(String... words) throws IOException {
        return ns.exec(ctlCommand(words));
    }

    /** The same, for a command expected to fail: its exit status and output. */
    Netns.Result ctlStatus(String... words) throws IOException {
        return ns.result(ctlCommand(words));
    }

    private String[] ctlCommand(String... words) {
        List<String> cmd = new ArrayList<>(List.of(OurProcess.java(), "-jar", OurProcess.jar().toString(), "ctl", iface));
        cmd.addAll(List.of(words));
        return cmd.toArray(String[]::new);
    }

    String mac() throws IOException {
        return ns.exec("cat", "/sys/class/net/" + iface + "/address").strip();
    }
}
