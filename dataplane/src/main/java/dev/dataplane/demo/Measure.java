package dev.dataplane.demo;

import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Bounded measurements through a tunnel with standard tools: ping RTT and iperf3 throughput. */
public final class Measure {
    private static final Pattern RTT = Pattern.compile("= ([0-9.]+)/([0-9.]+)/([0-9.]+)/");
    private static final Pattern BPS = Pattern.compile("\"bits_per_second\":\\s*([0-9.eE+]+)");

    private Measure() {}

    /** Average ping RTT in ms from {@code from} to {@code target}, or -1 if no reply came back. */
    public static double pingRttMs(Netns from, String target, int count) throws IOException {
        try {
            String out = from.exec("ping", "-c", String.valueOf(count), "-i", "0.2", "-W", "2", target);
            Matcher m = RTT.matcher(out);
            return m.find() ? Double.parseDouble(m.group(2)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Waits until one ping gets through (the handshake completes on the way); returns ms, or -1. */
    public static long firstContactMs(Netns from, String target, long timeoutMs) throws IOException {
        long start = System.nanoTime();
        while ((System.nanoTime() - start) / 1_000_000 < timeoutMs) {
            if (from.status("ping", "-c", "1", "-W", "1", target) == 0) return (System.nanoTime() - start) / 1_000_000;
        }
        return -1;
    }

    /** iperf3 TCP throughput in Gbit/s from client namespace to server namespace, for {@code seconds}. */
    public static double iperfGbps(Netns client, Netns server, String serverAddr, int seconds, int streams) throws IOException, InterruptedException {
        Process srv = server.start(Map.of(), null, "iperf3", "-s", "-1", "-B", serverAddr);
        try {
            Thread.sleep(300);
            String json = client.exec("timeout", String.valueOf(seconds + 15), "iperf3", "-c", serverAddr,
                    "-t", String.valueOf(seconds), "-P", String.valueOf(streams), "-J");
            int at = json.indexOf("\"sum_received\"");
            Matcher m = BPS.matcher(at < 0 ? json : json.substring(at));
            return m.find() ? Double.parseDouble(m.group(1)) / 1e9 : -1;
        } finally {
            srv.destroy();
        }
    }
}
