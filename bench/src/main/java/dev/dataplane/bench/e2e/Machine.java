package dev.dataplane.bench.e2e;

import dev.dataplane.os.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where and what was measured, recorded with every result: numbers without these are not comparable. */
record Machine(String cpuModel, int cores, String kernel, String java, String commit, String dataplaneJarBuilt,
               String wireguardGo, String iperf3, String tcpCongestionDefault) {

    static Machine describe(Path home, Path dataplaneJar) {
        return new Machine(readCpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"),
                Runtime.version().toString(),
                firstLine(List.of("git", "-C", home.toString(), "describe", "--always", "--dirty", "--abbrev=12")),
                modified(dataplaneJar),
                firstLine(List.of("wireguard-go", "--version")),
                firstLine(List.of("iperf3", "--version")),
                firstLine(List.of("sysctl", "-n", "net.ipv4.tcp_congestion_control")));
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu_model", cpuModel);
        m.put("cores", cores);
        m.put("kernel", kernel);
        m.put("java", java);
        m.put("commit", commit);
        m.put("dataplane_jar_built", dataplaneJarBuilt);
        m.put("wireguard_go", wireguardGo);
        m.put("iperf3", iperf3);
        m.put("tcp_congestion_default", tcpCongestionDefault);   // the bench overrides it per transfer
        return m;
    }

    private static String readCpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The engine under test is the jar, which may be newer than the last commit: record when it was built. */
    private static String modified(Path file) {
        try {
            return Instant.ofEpochMilli(Files.getLastModifiedTime(file).toMillis()).toString();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String firstLine(List<String> cmd) {
        try {
            Command.Result r = Command.result(cmd, Map.of());
            return r.ok() && !r.output().isBlank() ? r.output().strip().lines().findFirst().orElse("unknown") : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
