package dev.dataplane.demo;

import dev.dataplane.os.Command;
import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Bounded measurements through a tunnel with standard tools: ping RTT and iperf3 throughput. */
public final class Measure {
    private static final Pattern RTT = Pattern.compile("= ([0-9.]+)/([0-9.]+)/([0-9.]+)/");

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

    /** What a fixed-size iperf3 transfer moved: the bytes the server counted, and at what rate. */
    public record Transfer(long bytesReceived, double gbps) {
        /**
         * iperf3 finished sending all {@code bytes} (so TCP got most of them acknowledged across the path) and the
         * server counted at least half: it stops counting when the client says it is done, while the tail of the
         * data may still be in flight or in the client's socket buffer.
         */
        public boolean delivered(long bytes) {
            return bytesReceived >= bytes / 2;
        }
    }

    /**
     * iperf3 TCP from client namespace to server namespace, {@code bytes} of data rather than a time: the bytes
     * the server counted (see {@link Transfer#delivered}) and the rate, or -1s if iperf3 failed or took more than
     * {@code timeoutSeconds}.
     */
    public static Transfer iperfBytes(Netns client, Netns server, String serverAddr, long bytes, int timeoutSeconds)
            throws IOException, InterruptedException {
        Command.Result r = iperf(client, server, serverAddr, timeoutSeconds, "-n", String.valueOf(bytes));
        if (r.status() != 0) return new Transfer(-1, -1);
        try {
            IperfReport report = IperfReport.parse(r.output());
            return new Transfer(report.bytes(), report.gbps());
        } catch (IOException unreadable) {
            return new Transfer(-1, -1);
        }
    }

    /** iperf3 TCP throughput in Gbit/s from client namespace to server namespace, for {@code seconds}. */
    public static double iperfGbps(Netns client, Netns server, String serverAddr, int seconds, int streams) throws IOException, InterruptedException {
        Command.Result r = iperf(client, server, serverAddr, seconds + 15, "-t", String.valueOf(seconds), "-P", String.valueOf(streams));
        if (r.status() != 0) throw new IOException("iperf3 -c " + serverAddr + " failed (" + r.status() + "): " + r.output().strip());
        return IperfReport.parse(r.output()).gbps();
    }

    /** One iperf3 client run with a JSON report against a one-off server in the other namespace, killed after the timeout. */
    public static Command.Result iperf(Netns client, Netns server, String serverAddr, int timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        Process srv = server.start(Map.of(), null, "iperf3", "-s", "-1", "-B", serverAddr);
        try {
            Thread.sleep(300);
            List<String> cmd = new ArrayList<>(List.of("timeout", String.valueOf(timeoutSeconds), "iperf3", "-c", serverAddr, "-J"));
            cmd.addAll(List.of(args));
            // the timeout(1) wrapper bounds iperf3 inside the namespace; ours only backs it up
            return client.result(timeoutSeconds + 10L, cmd.toArray(String[]::new));
        } finally {
            srv.destroy();
        }
    }
}
