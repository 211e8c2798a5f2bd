package dev.dataplane.device;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UDP middlebox on loopback between two engines: forwards both ways, records what A sent (to replay it),
 * can drop everything, and can move to a fresh port (so B sees A roam).
 */
final class Relay implements AutoCloseable {
    private final InetSocketAddress b;
    private volatile DatagramChannel channel;
    private volatile SocketAddress a;
    final List<byte[]> fromA = new CopyOnWriteArrayList<>();
    volatile boolean drop;
    private final Thread thread;
    private volatile boolean running = true;

    Relay(InetSocketAddress b) throws IOException {
        this.b = b;
        this.channel = open();
        this.thread = Thread.ofPlatform().daemon().start(this::loop);
    }

    private static DatagramChannel open() throws IOException {
        DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        ch.configureBlocking(false);
        return ch;
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Replaces the relay's socket: what A sends next reaches B from a new source port. */
    void roam() throws IOException {
        DatagramChannel old = channel;
        channel = open();
        a = null;
        old.close();
    }

    /** Sends {@code msg} to B as if A had sent it again. */
    void replayToB(byte[] msg) throws IOException {
        channel.send(ByteBuffer.wrap(msg), b);
    }

    private void loop() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (running) {
            try {
                DatagramChannel ch = channel;
                buf.clear();
                SocketAddress from = ch.receive(buf);
                if (from == null) {
                    Thread.sleep(1);
                    continue;
                }
                buf.flip();
                byte[] data = new byte[buf.remaining()];
                buf.get(data);
                if (drop) continue;
                if (from.equals(b)) {
                    if (a != null) ch.send(ByteBuffer.wrap(data), a);
                } else {
                    a = from;
                    fromA.add(data);
                    ch.send(ByteBuffer.wrap(data), b);
                }
            } catch (IOException e) {
                // the socket was swapped by roam(); go on with the new one
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        thread.interrupt();
        channel.close();
    }
}
