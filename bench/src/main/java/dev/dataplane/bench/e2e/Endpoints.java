package dev.dataplane.bench.e2e;

import dev.dataplane.netns.Netns;

/**
 * What a {@link BenchPath} hands the measurements: a client namespace, a server namespace, the address the
 * server is reached at through the path, and how to take it all down. Closing is idempotent and safe to race
 * (the main thread and the shutdown hook may both do it).
 */
public final class Endpoints implements AutoCloseable {
    private final Netns client;
    private final Netns server;
    private final String serverAddr;
    private final Runnable teardown;
    private boolean closed;

    public Endpoints(Netns client, Netns server, String serverAddr, Runnable teardown) {
        this.client = client;
        this.server = server;
        this.serverAddr = serverAddr;
        this.teardown = teardown;
    }

    public Netns client() {
        return client;
    }

    public Netns server() {
        return server;
    }

    public String serverAddr() {
        return serverAddr;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        teardown.run();
    }
}
