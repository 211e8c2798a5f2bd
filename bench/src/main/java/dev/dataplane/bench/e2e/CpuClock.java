package dev.dataplane.bench.e2e;

import dev.dataplane.os.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Busy CPU time of the whole machine, from the aggregate "cpu" line of /proc/stat. Namespaces do not split
 * /proc/stat, so a reading covers both tunnel ends, iperf3 and the kernel's softirq work alike — which is
 * the point: it is what a path costs the node.
 */
final class CpuClock {
    private static final Path PROC_STAT = Path.of("/proc/stat");
    private static final double TICKS_PER_SECOND = ticksPerSecond();

    private CpuClock() {}

    /** Busy seconds summed over all CPUs since boot: user + nice + system + irq + softirq (not idle, iowait, steal). */
    static double busySeconds() throws IOException {
        String line = Files.readAllLines(PROC_STAT).getFirst();
        String[] f = line.trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal guest guest_nice
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7}) busy += Long.parseLong(f[i]); // guest time is already inside user
        return busy / TICKS_PER_SECOND;
    }

    /** USER_HZ, the unit of /proc/stat; 100 on every mainstream Linux build, asked of getconf to be sure. */
    private static double ticksPerSecond() {
        try {
            Command.Result r = Command.result(List.of("getconf", "CLK_TCK"), Map.of());
            return r.ok() ? Double.parseDouble(r.output().strip()) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        }
    }
}
