package dev.dataplane.device;

import dev.dataplane.tun.UdpEndpoint;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The device's single control thread: handshake messages, protocol timers and configuration changes all
 * run here, one at a time, so peer and handshake state has one writer and needs no locks.
 */
final class ControlLoop {
    static final int HANDSHAKE_QUEUE = 4096;
    /** Like wireguard-go: under load once the handshake backlog reaches 1/8 of the queue, and for 1 s after. */
    static final int UNDER_LOAD_BACKLOG = HANDSHAKE_QUEUE / 8;
    private static final long UNDER_LOAD_LINGER_NANOS = 1_000_000_000L;
    private static final long TICK_NANOS = 50_000_000L;

    private record HandshakeMessage(byte[] data, UdpEndpoint from) {}

    private final WgDevice device;
    private final Handshakes handshakes;
    private final Timers timers;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger pendingHandshakes = new AtomicInteger();
    private long underLoadUntil;
    private volatile boolean running = true;
    private Thread thread;

    ControlLoop(WgDevice device) {
        this.device = device;
        this.handshakes = new Handshakes(device);
        this.timers = new Timers(device, handshakes);
    }

    void start() {
        thread = new Thread(this::run, "wg-control");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** From the UDP reader: queue a handshake message, or count a drop when the backlog is full. */
    void submitHandshake(byte[] msg, UdpEndpoint from) {
        if (pendingHandshakes.incrementAndGet() > HANDSHAKE_QUEUE) {
            pendingHandshakes.decrementAndGet();
            device.stats.drop(DropReason.HANDSHAKE_QUEUE_FULL);
            return;
        }
        queue.add(new HandshakeMessage(msg, from));
    }

    /** Wakes the loop so a freshly wanted handshake goes out now rather than at the next tick. */
    void wake() {
        queue.offer(Boolean.TRUE);
    }

    /** Runs {@code task} on the control thread and waits for its result (configuration changes). */
    <T> T call(Supplier<T> task) {
        if (Thread.currentThread() == thread || thread == null) return task.get();
        CompletableFuture<T> f = new CompletableFuture<>();
        queue.add((Runnable) () -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("control thread did not answer: " + e, e);
        }
    }

    private void run() {
        long nextTick = device.clock.nanos();
        while (running) {
            try {
                long wait = Math.max(0, nextTick - device.clock.nanos());
                Object item = queue.poll(Math.min(wait, TICK_NANOS), TimeUnit.NANOSECONDS);
                if (item instanceof HandshakeMessage m) {
                    int backlog = pendingHandshakes.getAndDecrement();
                    handshakes.handle(m.data, m.from, underLoad(backlog));
                } else if (item instanceof Runnable r) {
                    r.run();
                }
                timers.serveWanted();
                long now = device.clock.nanos();
                if (now - nextTick >= 0) {
                    timers.tick(now);
                    device.destroyRetired(now);
                    handshakes.tick();
                    nextTick = now + TICK_NANOS;
                }
            } catch (InterruptedException e) {
                if (!running) return;
            } catch (RuntimeException e) {
                device.logLine("control loop: " + e);
            } catch (Error e) {
                device.died("control loop", e);
                return;
            }
        }
    }

    /** Handshake messages waiting for this thread. */
    int handshakeBacklog() {
        return Math.max(0, pendingHandshakes.get());
    }

    private boolean underLoad(int backlog) {
        long now = device.clock.nanos();
        if (device.forceUnderLoad || backlog >= UNDER_LOAD_BACKLOG) {
            underLoadUntil = now + UNDER_LOAD_LINGER_NANOS;
            return true;
        }
        return now - underLoadUntil < 0;
    }

    /** For tests with a manual clock: run the timers once, now, on the control thread. */
    void tickNow() {
        call(() -> {
            timers.tick(device.clock.nanos());
            return null;
        });
    }
}
