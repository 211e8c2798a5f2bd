package dev.dataplane.interop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The netem this kernel lacks: a UDP relay (run it in a middle namespace, opened through NetnsThread) between
 * a front address that one tunnel end uses as its peer's endpoint and the other end. Each datagram may be
 * dropped, duplicated, held back behind the next one (reordering) or delayed, with the probabilities and
 * delay set per test, seeded.
 */
final class ImpairingRelay implements AutoCloseable {
    volatile double loss;
    volatile double duplicate;
    volatile double reorder;
    volatile int delayMs;

    private final DatagramChannel front;
    private volatile DatagramChannel back;
    private final InetSocketAddress backAt;
    private volatile boolean closed;
    private final InetSocketAddress far;
    private volatile SocketAddress near;
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "relay-delay");
        t.setDaemon(true);
        return t;
    });
    private final Thread forward;
    private final Thread backward;
    private final Random random = new Random(0x4E7E);

    /** Binds front at {@code frontAt} and back at {@code backAt} (in the calling thread's namespace). */
    ImpairingRelay(InetSocketAddress frontAt, InetSocketAddress backAt, InetSocketAddress far) throws IOException {
        this.far = far;
        this.backAt = backAt;
        this.front = DatagramChannel.open().bind(frontAt);
        this.back = DatagramChannel.open().bind(backAt);
        this.forward = Thread.ofPlatform().daemon().name("relay-fwd").start(() -> pump(true));
        this.backward = Thread.ofPlatform().daemon().name("relay-back").start(() -> pump(false));
    }

    /**
     * NAT rebinding: the far side now sees the near side from a new source port (must be called in the relay's
     * namespace), as when a NAT drops its mapping and makes a new one.
     */
    void rebind(int newPort) throws IOException {
        DatagramChannel old = back;
        back = DatagramChannel.open().bind(new InetSocketAddress(backAt.getAddress(), newPort));
        old.close();
    }

    private void pump(boolean fromNear) {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        byte[] held = null;
        while (!closed) {
            DatagramChannel in = fromNear ? front : back;
            try {
                buf.clear();
                SocketAddress src = in.receive(buf);
                if (fromNear) near = src;
                buf.flip();
                byte[] packet = new byte[buf.remaining()];
                buf.get(packet);
                DatagramChannel out = fromNear ? back : front;
                SocketAddress to = fromNear ? far : near;
                if (to == null) continue;
                double loss, dup, reorder;
                synchronized (random) {
                    loss = random.nextDouble();
                    dup = random.nextDouble();
                    reorder = random.nextDouble();
                }
                if (loss < this.loss) continue;
                if (held == null && reorder < this.reorder) {
                    held = packet;     // goes out after the next one
                    continue;
                }
                send(out, packet, to);
                if (dup < duplicate) send(out, packet, to);
                if (held != null) {
                    send(out, held, to);
                    held = null;
                }
            } catch (ClosedChannelException swappedOrClosed) {
                // rebind() replaced the back channel (go on with the new one) or close() ended the relay
            } catch (IOException e) {
                System.err.println("relay: " + e);
            }
        }
    }

    private void send(DatagramChannel out, byte[] packet, SocketAddress to) {
        int delay = delayMs;
        if (delay <= 0) {
            write(out, packet, to);
        } else {
            later.schedule(() -> write(out, packet, to), delay, TimeUnit.MILLISECONDS);
        }
    }

    private static void write(DatagramChannel out, byte[] packet, SocketAddress to) {
        try {
            out.send(ByteBuffer.wrap(packet), to);
        } catch (IOException ignored) {
            // a full buffer or a closed relay: the packet is lost, as on a real path
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        front.close();
        back.close();
        later.shutdownNow();
        forward.interrupt();
        backward.interrupt();
    }
}
