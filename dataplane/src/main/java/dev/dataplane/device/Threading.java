package dev.dataplane.device;

/**
 * How a device's run-to-completion data path is spread over threads (docs/architecture.md, "Threading and core
 * counts"). Every mode (WireGuard, VXLAN, ESP) runs the same two loops, {@link TunToWire} and {@link WireToTun};
 * this decides whether they share a thread.
 */
public enum Threading {
    /**
     * Both loops on one thread ({@link DataLane}): no wake-up between threads for a packet and its reply, and a
     * device never has more than one runnable thread. Best where the cores are few and the workload competes for
     * them: on 2 cores it measured 4-5 % less CPU per Gbit than {@link #SPLIT} at the same or higher throughput.
     */
    LANE,
    /** One thread per direction: two cores per device when both directions are busy and there are cores to spare. */
    SPLIT;

    /** Up to this many usable cores the default is {@link #LANE}; above, {@link #SPLIT}. */
    static final int LANE_MAX_CORES = 2;

    /** The default for a machine with {@code cores} usable cores. */
    public static Threading forCores(int cores) {
        return cores <= LANE_MAX_CORES ? LANE : SPLIT;
    }

    /** The default for this JVM: its available processors (the CPU affinity mask, cgroup quota, -XX:ActiveProcessorCount). */
    public static Threading chosen() {
        return forCores(Runtime.getRuntime().availableProcessors());
    }

    /** The flag's value: {@code lane} or {@code split}. */
    public static Threading parse(String s) {
        return switch (s) {
            case "lane" -> LANE;
            case "split" -> SPLIT;
            default -> throw new IllegalArgumentException("--threads must be lane or split, not " + s);
        };
    }

    public String flag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
