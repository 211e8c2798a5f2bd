package dev.dataplane.bench.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** One path's values, one slot per run (NaN where that run's step failed), and its medians. */
final class PathResult {
    final String name;
    private final Map<Metric, double[]> perRun = new EnumMap<>(Metric.class);
    final List<String> failures = new ArrayList<>();

    PathResult(String name, int runs) {
        this.name = name;
        for (Metric m : Metric.values()) {
            double[] v = new double[runs];
            Arrays.fill(v, Double.NaN);
            perRun.put(m, v);
        }
    }

    void set(Metric m, int run, double value) {
        perRun.get(m)[run] = value;
    }

    double[] runs(Metric m) {
        return perRun.get(m).clone();
    }

    /** Median of the runs that produced a value; NaN if none did. */
    double median(Metric m) {
        double[] v = Arrays.stream(perRun.get(m)).filter(Double::isFinite).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}
