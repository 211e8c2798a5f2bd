package dev.dataplane.bench.e2e;

import dev.dataplane.demo.Tunnel;
import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts one of our non-WireGuard modes in a namespace, gives its interface an address and brings it up. */
final class OurModeProcess {
    private OurModeProcess() {}

    static void start(Netns ns, String iface, Tunnel.Launch launch, List<String> args, String inner, Path logDir)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(launch.oursCommand(iface));
        cmd.addAll(args);
        Path log = logDir.resolve(iface + ".log");
        Process p = ns.start(Map.of(), log, cmd.toArray(String[]::new));
        Path sock = Path.of("/var/run/dataplane", iface + ".sock");
        for (int i = 0; i < 300 && !Files.exists(sock); i++) {
            if (!p.isAlive()) throw new IOException("dataplane " + String.join(" ", args) + " exited early: " + Files.readString(log).strip());
            Thread.sleep(50);
        }
        if (!Files.exists(sock)) throw new IOException(iface + " did not open " + sock + " within 15 s");
        ns.exec("ip", "addr", "add", inner + "/24", "dev", iface);
        ns.exec("ip", "link", "set", iface, "up");
    }
}
