package dev.dataplane.flannel;

import dev.dataplane.os.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts our device as a daemon through the launcher this JVM came from (bin/dataplane --daemon …). */
public final class Launcher {
    private final Host host;
    private final Path launcher;

    public Launcher(Host host, Path launcher) {
        this.host = host;
        this.launcher = launcher;
    }

    /** The launcher of this installation: $dataplane.home/bin/dataplane, set by the launcher itself. */
    public static Path ofThisInstallation() {
        String home = System.getProperty("dataplane.home");
        Path p = home == null ? Path.of("/usr/lib/dataplane/bin/dataplane") : Path.of(home, "bin", "dataplane");
        return p;
    }

    /** Runs `dataplane --daemon --iface NAME ARGS…`; returns once its control socket answers. */
    public void startDaemon(String iface, List<String> args) throws IOException {
        if (!Files.isExecutable(launcher)) throw new IOException("cannot start the device: no launcher at " + launcher);
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "--daemon", "--iface", iface));
        cmd.addAll(args);
        Command.Result r = host.result(cmd.toArray(String[]::new));
        if (!r.ok()) throw new IOException("starting " + iface + " failed: " + r.output().strip());
    }
}
