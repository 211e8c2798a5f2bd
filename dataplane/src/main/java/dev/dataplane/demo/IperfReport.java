package dev.dataplane.demo;

import dev.dataplane.json.Json;

import java.io.IOException;
import java.util.Map;

/**
 * What the receiving end counted in an iperf3 {@code -J} report ({@code end.sum_received}, present for TCP and,
 * since iperf 3.x, UDP): the numbers the demo, the tests and the benchmark take, read by one parser.
 */
public record IperfReport(long bytes, double seconds, double bitsPerSecond) {
    public static IperfReport parse(String json) throws IOException {
        try {
            Map<String, Object> end = Json.object(Json.object(Json.parse(json), "the report").get("end"), "end");
            Map<String, Object> sum = Json.object(end.get("sum_received"), "end.sum_received");
            return new IperfReport(number(sum, "bytes").longValue(), number(sum, "seconds").doubleValue(),
                    number(sum, "bits_per_second").doubleValue());
        } catch (IllegalArgumentException e) {
            throw new IOException("iperf3 report unreadable: " + e.getMessage() + ": " + abbreviated(json));
        }
    }

    /** Gbit/s as the receiver measured them. */
    public double gbps() {
        return bitsPerSecond / 1e9;
    }

    private static Number number(Map<String, Object> o, String key) {
        if (o.get(key) instanceof Number n) return n;
        throw new IllegalArgumentException("sum_received has no number " + key);
    }

    private static String abbreviated(String text) {
        String t = text.strip();
        return t.length() <= 300 ? t : t.substring(0, 300) + " …";
    }
}
