package dev.dataplane.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? Double.parseDouble(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
