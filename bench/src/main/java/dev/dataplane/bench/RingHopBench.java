package dev.dataplane.bench;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * One Disruptor hop as the engine uses it: claim a slot of an off-heap ring, write a packet length, publish;
 * a consumer thread reads it. Measures publish throughput and shows the hop allocates nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RingHopBench {
    static final class Slot {
        final ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        int len;
    }

    private Disruptor<Slot> disruptor;
    private RingBuffer<Slot> ring;
    private volatile long consumed;

    @Setup
    public void setup() {
        disruptor = new Disruptor<>(Slot::new, 1024, Thread.ofPlatform().daemon().factory(), ProducerType.SINGLE,
                new BusySpinWaitStrategy());
        disruptor.handleEventsWith((EventHandler<Slot>) (slot, seq, end) -> {
            if (end) consumed = seq;
        });
        ring = disruptor.start();
    }

    @TearDown
    public void tearDown() {
        disruptor.halt();
    }

    @Benchmark
    public long publish() {
        long seq = ring.next();
        Slot s = ring.get(seq);
        s.len = 1420;
        s.buf.putInt(0, (int) seq);
        ring.publish(seq);
        return seq;
    }
}
