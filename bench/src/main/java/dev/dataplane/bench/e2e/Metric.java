package dev.dataplane.bench.e2e;

import java.util.Locale;

/** Everything measured per path and run; the order is the table's column order. */
enum Metric {
    GBPS_1("gbps_1_stream", "Gbit/s 1 stream", "Gbit/s", "%.2f"),
    GBPS_4("gbps_4_streams", "Gbit/s 4 streams", "Gbit/s", "%.2f"),
    RTT_MS("rtt_ms", "RTT ms", "ms", "%.3f"),
    KPPS_64("kpps_64b", "kpps 64B", "kpps", "%.0f"),
    CPU_S_PER_GBIT("cpu_s_per_gbit", "CPU s/Gbit", "CPU s/Gbit", "%.3f");

    final String key;
    final String column;
    final String unit;
    private final String format;

    Metric(String key, String column, String unit, String format) {
        this.key = key;
        this.column = column;
        this.unit = unit;
        this.format = format;
    }

    /** The value as the table shows it; a missing one (every run failed) as "-". */
    String format(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
    }
}
