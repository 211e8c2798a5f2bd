package dev.dataplane.flannel.etcd;

import dev.dataplane.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * etcd's v3 API through its JSON gateway (/v3/kv/…, /v3/lease/…, /v3/watch; etcd 3.4 and later), which is
 * all flannel's lease store needs: ranges, puts, a create-if-absent transaction, deletes, leases and a watch.
 * Keys and values are base64 on the wire, 64-bit numbers strings. Each call tries the endpoints in turn.
 */
public final class EtcdClient {
    /** One key-value pair as etcd returns it. */
    public record KeyValue(String key, String value, long modRevision, long lease) {}

    /** A range's pairs and the store's revision at the time. */
    public record Range(List<KeyValue> kvs, long revision) {}

    /** One watch event: a put (value present) or a delete (value null). */
    public record Event(boolean delete, KeyValue kv) {}

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private final List<URI> endpoints;
    private final HttpClient http;

    public EtcdClient(List<URI> endpoints) {
        this(endpoints, null);
    }

    /** {@code tls}: for https endpoints (a CA and a client certificate, {@link EtcdTls}); null for the JDK's defaults. */
    public EtcdClient(List<URI> endpoints, javax.net.ssl.SSLContext tls) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (tls != null) b.sslContext(tls);
        this.http = b.build();
        if (endpoints.isEmpty()) throw new IllegalArgumentException("no etcd endpoint");
        for (URI u : endpoints) {
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("an etcd endpoint is http://HOST:PORT or https://HOST:PORT, got " + u);
            }
        }
        this.endpoints = List.copyOf(endpoints);
    }

    public static List<URI> parseEndpoints(String commaSeparated) {
        List<URI> l = new ArrayList<>();
        for (String s : commaSeparated.split(",")) {
            if (s.isBlank()) continue;
            try {
                l.add(URI.create(s.strip().replaceAll("/+$", "")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not an etcd endpoint URL: " + s);
            }
        }
        return l;
    }

    public Range range(String key, boolean prefix) throws IOException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("key", b64(key));
        if (prefix) req.put("range_end", b64(prefixEnd(key)));
        Map<String, Object> resp = call("/v3/kv/range", req);
        List<KeyValue> kvs = new ArrayList<>();
        if (resp.get("kvs") instanceof List<?> l) for (Object o : l) kvs.add(keyValue(Json.object(o, "kv")));
        return new Range(kvs, revision(resp));
    }

    public void put(String key, String value, long lease) throws IOException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("key", b64(key));
        req.put("value", b64(value));
        if (lease != 0) req.put("lease", Long.toString(lease));
        call("/v3/kv/put", req);
    }

    /** Puts only if the key does not exist (its version is 0); false when another writer has it. */
    public boolean create(String key, String value, long lease) throws IOException {
        Map<String, Object> put = new LinkedHashMap<>();
        put.put("key", b64(key));
        put.put("value", b64(value));
        if (lease != 0) put.put("lease", Long.toString(lease));
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("compare", List.of(Map.of("key", b64(key), "target", "VERSION", "result", "EQUAL", "version", "0")));
        req.put("success", List.of(Map.of("request_put", put)));
        return Boolean.TRUE.equals(call("/v3/kv/txn", req).get("succeeded"));
    }

    public void delete(String key) throws IOException {
        call("/v3/kv/deleterange", Map.of("key", b64(key)));
    }

    /** A new lease of {@code ttlSeconds}; returns its ID. */
    public long grant(long ttlSeconds) throws IOException {
        Map<String, Object> resp = call("/v3/lease/grant", Map.of("TTL", Long.toString(ttlSeconds)));
        return number(resp.get("ID"), "lease ID");
    }

    public void revoke(long lease) throws IOException {
        call("/v3/lease/revoke", Map.of("ID", Long.toString(lease)));
    }

    /**
     * Watches every key under {@code prefix} from {@code fromRevision}, handing each batch of events to
     * {@code events}; returns when the stream ends (etcd restarted, a compaction, the connection broke), after
     * which the caller lists again and watches from there.
     */
    public void watch(String prefix, long fromRevision, Consumer<List<Event>> events) throws IOException {
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("key", b64(prefix));
        create.put("range_end", b64(prefixEnd(prefix)));
        create.put("start_revision", Long.toString(fromRevision));
        // a watch is a stream that stays open: no call timeout
        HttpResponse<Stream<String>> resp = post("/v3/watch", Map.of("create_request", create), null, HttpResponse.BodyHandlers.ofLines());
        if (resp.statusCode() != 200) throw new IOException("etcd " + resp.uri() + ": HTTP " + resp.statusCode());
        try (Stream<String> lines = resp.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isBlank()) continue;
                Map<String, Object> msg = Json.object(Json.parse(line), "watch response");
                if (msg.get("error") != null) throw new IOException("etcd watch: " + Json.write(msg.get("error")));
                Map<String, Object> result = Json.object(msg.getOrDefault("result", Map.of()), "watch result");
                if (Boolean.TRUE.equals(result.get("canceled")) || result.get("compact_revision") != null) return;
                if (!(result.get("events") instanceof List<?> l) || l.isEmpty()) continue;
                List<Event> batch = new ArrayList<>(l.size());
                for (Object o : l) {
                    Map<String, Object> e = Json.object(o, "event");
                    batch.add(new Event("DELETE".equals(e.get("type")), keyValue(Json.object(e.get("kv"), "event kv"))));
                }
                events.accept(batch);
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("etcd watch: " + e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private Map<String, Object> call(String path, Map<String, Object> body) throws IOException {
        HttpResponse<String> resp = post(path, body, CALL_TIMEOUT, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) throw new IOException("etcd " + resp.uri() + ": HTTP " + resp.statusCode() + " " + resp.body().strip());
        try {
            return Json.object(Json.parse(resp.body()), "etcd response");
        } catch (IllegalArgumentException e) {
            throw new IOException("etcd " + resp.uri() + ": " + e.getMessage());
        }
    }

    /** POSTs body as JSON to path on the first endpoint that answers at all (whatever its status). */
    private <T> HttpResponse<T> post(String path, Map<String, Object> body, Duration timeout, HttpResponse.BodyHandler<T> handler)
            throws IOException {
        IOException last = null;
        for (URI endpoint : endpoints) {
            HttpRequest.Builder req = HttpRequest.newBuilder(endpoint.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
            if (timeout != null) req.timeout(timeout);
            try {
                return http.send(req.build(), handler);
            } catch (IOException e) {
                last = new IOException("etcd " + endpoint + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        throw last;
    }

    private static KeyValue keyValue(Map<String, Object> kv) {
        return new KeyValue(unb64(Json.string(kv, "key")), kv.get("value") == null ? null : unb64(Json.string(kv, "value")),
                number(kv.get("mod_revision"), "mod_revision"), number(kv.get("lease"), "lease"));
    }

    private static long revision(Map<String, Object> resp) {
        Object h = resp.get("header");
        return h instanceof Map<?, ?> m ? number(m.get("revision"), "revision") : 0;
    }

    private static long number(Object v, String what) {
        if (v == null) return 0;
        try {
            return v instanceof Number n ? n.longValue() : Long.parseLong(v.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("etcd: " + what + " is not a number: " + v);
        }
    }

    /** The end of the range of keys starting with {@code prefix}: the prefix with its last byte plus one. */
    static byte[] prefixEnd(String prefix) {
        byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] != (byte) 0xff) {
                b[i]++;
                return java.util.Arrays.copyOf(b, i + 1);
            }
        }
        return new byte[] {0};   // etcd's "every key from here on"
    }

    private static String b64(String s) {
        return b64(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
