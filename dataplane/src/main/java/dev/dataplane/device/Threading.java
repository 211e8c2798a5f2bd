package dev.dataplane.device;

/**
 * How a device's run-to-completion data path is spread over threads (docs/architecture.md, "Threading and core
 * counts"). Every mode (WireGuard, VXLAN, ESP) runs the same two loops, {@link TunToWire} and {@link WireToTun};
 * this decides whether they share a thread.
 */
public enum Threading {
    /**
     * Both loops on one thread ({@link DataLane}): no wake-up between threads for a packet and its reply, and a
     * device never has more than one runnable thread. The 2-core default from session 14 (on the AVX2 machines it
     * measured 5 % less CPU per Gbit than {@link #SPLIT}); an option since session 17.
     */
    LANE,
    /**
     * One thread per direction: the ACK direction's system calls (the peer's TCP work runs inside them) go on
     * beside the sealing thread instead of between its batches, and both directions get a core each when there
     * are cores to spare. The default on every core count: on 1 and 2 cores it moved as much as the lane or more
     * (WireGuard one stream ahead in 10 of 12 same-run pairs), at the same CPU per Gbit.
     */
    SPLIT;

    /**
     * The default for every core count ({@code availableProcessors}: the affinity mask, a cgroup quota,
     * -XX:ActiveProcessorCount), so a pretend-8-core JVM runs exactly what a 2-core one does.
     */
    public static final Threading DEFAULT = SPLIT;

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
