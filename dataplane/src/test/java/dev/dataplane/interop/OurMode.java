package dev.dataplane.interop;

import dev.dataplane.demo.OurProcess;
import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starting one of our non-WireGuard modes as a process in a namespace, and the `dataplane ctl` command line. */
final class OurMode {
    private OurMode() {}

    /** `dataplane --iface IFACE ARGS…` in {@code ns}; returns once its /var/run/dataplane socket exists. */
    static Process start(Netns ns, String iface, Path logDir, List<String> args) throws IOException, InterruptedException {
        return start(ns, iface, logDir, List.of(), args);
    }

    /**
     * The same with extra JVM flags (test knobs such as -Ddataplane.ikeCookieThreshold=0). The data path runs one
     * thread per direction (`--threads split`, the default) unless {@code args} name the threading.
     */
    static Process start(Netns ns, String iface, Path logDir, List<String> jvm, List<String> args) throws IOException, InterruptedException {
        Path log = logDir.resolve(iface + ".log");
        List<String> cmd = new ArrayList<>(List.of(OurProcess.java()));
        cmd.addAll(OurProcess.JVM_FLAGS);
        cmd.addAll(jvm);
        cmd.addAll(List.of("-jar", OurProcess.jar().toString(), "--iface", iface));
        cmd.addAll(args);
        if (!args.contains("--threads")) cmd.addAll(List.of("--threads", "split"));
        Process p = ns.start(Map.of(), log, cmd.toArray(String[]::new));
        Path sock = Path.of("/var/run/dataplane", iface + ".sock");
        for (int i = 0; i < 300 && !Files.exists(sock); i++) {
            if (!p.isAlive()) throw new IOException("dataplane " + String.join(" ", args) + " exited early: " + Files.readString(log).strip());
            Thread.sleep(50);
        }
        if (!Files.exists(sock)) throw new IOException("dataplane did not open " + sock + " within 15 s");
        return p;
    }

    /** The command line of `dataplane ctl IFACE WORDS…`. */
    static String[] ctl(String iface, String... words) {
        List<String> cmd = new ArrayList<>(List.of(OurProcess.java(), "-jar", OurProcess.jar().toString(), "ctl", iface));
        cmd.addAll(List.of(words));
        return cmd.toArray(String[]::new);
    }
}
