package dev.dataplane.interop;

import dev.dataplane.os.Command;
import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
        List<String> all = new java.util.ArrayList<>(List.of("--mode", "vxlan"));
        all.addAll(List.of(args));
        return new OurVxlan(ns, iface, OurMode.start(ns, iface, logDir, all));
    }

    /** `dataplane ctl IFACE WORDS…` in the namespace; its output, or an exception with what it printed. */
    String ctl(String... words) throws IOException {
        return ns.exec(OurMode.ctl(iface, words));
    }

    /** The same, for a command expected to fail: its exit status and output. */
    Command.Result ctlStatus(String... words) throws IOException {
        return ns.result(OurMode.ctl(iface, words));
    }

    String mac() throws IOException {
        return ns.exec("cat", "/sys/class/net/" + iface + "/address").strip();
    }
}
