package dev.dataplane.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * `--metrics [ADDR:]PORT`: serves {@code GET /metrics} in Prometheus' text format on one daemon thread. With only
 * a port it binds to 127.0.0.1: the counters name peers' keys and endpoints, so exposing them is a choice.
 */
public final class MetricsServer implements AutoCloseable {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    public static MetricsServer start(InetSocketAddress at, Supplier<String> text) throws IOException {
        HttpServer server = HttpServer.create(at, 8);
        server.createContext("/", exchange -> {
            try (exchange) {
                serve(exchange, text);
            }
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return new MetricsServer(server);
    }

    private static void serve(HttpExchange ex, Supplier<String> text) throws IOException {
        String method = ex.getRequestMethod();
        if (!ex.getRequestURI().getPath().equals("/metrics")) {
            reply(ex, 404, "try /metrics\n", method);
        } else if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            reply(ex, 405, "GET or HEAD\n", method);
        } else {
            ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            reply(ex, 200, text.get(), method);
        }
    }

    private static void reply(HttpExchange ex, int status, String body, String method) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean head = method.equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /**
     * Parses "PORT" (loopback), "ADDR:PORT" or "[IPV6]:PORT" with a numeric address; throws
     * IllegalArgumentException with the reason otherwise.
     */
    public static InetSocketAddress parse(String spec) {
        String host = "127.0.0.1", port = spec;
        int colon = spec.lastIndexOf(':');
        if (colon >= 0) {
            host = spec.substring(0, colon);
            port = spec.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.]+")) {
                throw new IllegalArgumentException("--metrics needs a numeric address: " + spec);
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--metrics needs [ADDR:]PORT, got " + spec);
        }
        if (p < 0 || p > 65535) throw new IllegalArgumentException("--metrics port out of range: " + spec);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--metrics: bad address " + host);
        }
    }
}
