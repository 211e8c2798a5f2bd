package dev.dataplane.device;

import com.lmax.disruptor.LiteBlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadFactory;

/**
 * A Disruptor ring of packet slots carved from one off-heap block, wired as: producer, then N crypto
 * workers that each take every N-th sequence (so crypto runs in parallel), then one in-order stage that
 * sees slots in sequence order (so packets leave in the order they came).
 */
final class PacketRing {
    final Disruptor<PacketEvent> disruptor;

    /** {@code onDeath}: a handler threw; the ring's threads stop and the device must shut down. */
    PacketRing(String name, int size, int slotSize, int workers,
               java.util.function.IntFunction<EventHandler<PacketEvent>> worker, EventHandler<PacketEvent> inOrder,
               java.util.function.Consumer<Throwable> onDeath) {
        ByteBuffer block = ByteBuffer.allocateDirect(size * slotSize);
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
        int[] next = {0};
        disruptor = new Disruptor<>(() -> {
            int i = next[0]++;
            return new PacketEvent(block.slice(i * slotSize, slotSize));
        }, size, threads, ProducerType.SINGLE, new LiteBlockingWaitStrategy()); // signals only when a consumer sleeps
        @SuppressWarnings("unchecked")
        EventHandler<PacketEvent>[] stage = new EventHandler[workers];
        for (int i = 0; i < workers; i++) stage[i] = worker.apply(i);
        disruptor.setDefaultExceptionHandler(new ExceptionHandler<>() {
            @Override
            public void handleEventException(Throwable ex, long sequence, PacketEvent event) {
                onDeath.accept(ex);
                throw new IllegalStateException(name + " stage failed", ex); // ends this stage's thread
            }

            @Override
            public void handleOnStartException(Throwable ex) {
                onDeath.accept(ex);
            }

            @Override
            public void handleOnShutdownException(Throwable ex) {
                // stopping anyway
            }
        });
        disruptor.handleEventsWith(stage).then(inOrder);
    }

    void start() {
        disruptor.start();
    }

    void stop() {
        disruptor.halt();
    }

    /** Slots published and not yet released by the last stage. */
    long depth() {
        var rb = disruptor.getRingBuffer();
        return rb.getBufferSize() - rb.remainingCapacity();
    }

    long claim() {
        return disruptor.getRingBuffer().next();
    }

    PacketEvent get(long seq) {
        return disruptor.getRingBuffer().get(seq);
    }

    void publish(long seq) {
        disruptor.getRingBuffer().publish(seq);
    }
}
