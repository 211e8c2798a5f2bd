package dev.dataplane.bench.e2e;

/**
 * Removes the current path's namespaces when the JVM is asked to stop mid-run (Ctrl-C, SIGTERM). The hook
 * first lets the benchmark thread notice {@link #stopping()}, finish its step and tear down itself — Ctrl-C
 * also stops its ping and device processes, so that is quick — and only then closes what is still open.
 */
final class ShutdownGuard implements AutoCloseable {
    private static final long GRACE_MS = 30_000; // longer than any one step (transfer + iperf3's own timeout)

    private final Thread worker = Thread.currentThread();
    private final Thread hook = new Thread(this::onShutdown, "bench-cleanup");
    private volatile boolean stopping;
    private Endpoints current;

    ShutdownGuard() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    boolean stopping() {
        return stopping;
    }

    synchronized void track(Endpoints e) {
        current = e;
    }

    private void onShutdown() {
        stopping = true;
        try {
            worker.join(GRACE_MS);
        } catch (InterruptedException ignored) {
            // fall through and clean up ourselves
        }
        Endpoints e;
        synchronized (this) {
            e = current;
        }
        if (e != null) e.close();
    }

    /** The run ended on its own: nothing left for the hook (and System.exit must not wait on this thread). */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook is running
        }
    }
}
