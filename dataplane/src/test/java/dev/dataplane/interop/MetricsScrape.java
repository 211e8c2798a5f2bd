package dev.dataplane.interop;

import dev.dataplane.netns.NetnsThread;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A device's Prometheus text, fetched with a plain GET from inside its namespace (that loopback is not ours). */
final class MetricsScrape {
    private MetricsScrape() {}

    static String fetch(String namespace, int port) throws IOException {
        return NetnsThread.call(namespace, () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                try (InputStream in = s.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        });
    }
}
