package dev.dataplane.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The medians as a Markdown table (readable in a terminal, pasteable into docs), with throughput ratios. */
final class ResultTable {
    private ResultTable() {}

    static String markdown(List<PathResult> results, List<String> references) {
        List<String> header = new ArrayList<>(List.of("path"));
        for (Metric m : Metric.values()) header.add(m.column);
        for (String ref : references) header.add("× " + ref + " (1 / 4 streams)");
        StringBuilder sb = new StringBuilder();
        row(sb, header);
        row(sb, header.stream().map(h -> "---").toList());
        for (PathResult r : results) {
            List<String> cells = new ArrayList<>(List.of(r.name));
            for (Metric m : Metric.values()) cells.add(m.format(r.median(m)));
            for (String ref : references) cells.add(ratios(r, find(results, ref)));
            row(sb, cells);
        }
        return sb.toString();
    }

    /** Median throughput of {@code r} over the reference's, for 1 and for 4 streams. */
    static double ratio(PathResult r, PathResult ref, Metric m) {
        return r.median(m) / ref.median(m);
    }

    static Optional<PathResult> find(List<PathResult> results, String name) {
        return results.stream().filter(r -> r.name.equals(name)).findFirst();
    }

    private static String ratios(PathResult r, Optional<PathResult> ref) {
        if (ref.isEmpty()) return "-";
        return fmt(ratio(r, ref.get(), Metric.GBPS_1)) + " / " + fmt(ratio(r, ref.get(), Metric.GBPS_4));
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
    }

    private static void row(StringBuilder sb, List<String> cells) {
        sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
}
