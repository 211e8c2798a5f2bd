package dev.dataplane.device;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UDP middlebox on loopback between two engines, like a NAT in front of A: A talks to its fixed front
 * port; B sees A at the back port, which {@link #roam()} replaces (so B sees A move). Records what A sent,
 * so tests can replay it, and can drop everything.
 */
final class Relay implements AutoCloseable {
    private final InetSocketAddress b;
    private final DatagramChannel front;
    private volatile DatagramChannel back;
    private volatile SocketAddress a;
    final List<byte[]> fromA = new CopyOnWriteArrayList<>();
    volatile boolean drop;
    private final Thread thread;
    private volatile boolean running = true;

    Relay(InetSocketAddress b) throws IOException {
        this.b = b;
        this.front = open();
        this.back = open();
        this.thread = Thread.ofPlatform().daemon().start(this::loop);
    }

    private static DatagramChannel open() throws IOException {
        DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        ch.configureBlocking(false);
        return ch;
    }

    /** Where A should send. */
    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) front.getLocalAddress();
    }

    /** Where B sees A coming from. */
    InetSocketAddress backAddress() throws IOException {
        return (InetSocketAddress) back.getLocalAddress();
    }

    /** A moves: what it sends next reaches B from a new source port. */
    void roam() throws IOException {
        DatagramChannel old = back;
        back = open();
        old.close();
    }

    /** Sends {@code msg} to B as if A had sent it again. */
    void replayToB(byte[] msg) throws IOException {
        back.send(ByteBuffer.wrap(msg), b);
    }

    private void loop() {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (running) {
            try {
                boolean idle = true;
                buf.clear();
                SocketAddress from = front.receive(buf);
                if (from != null) {
                    idle = false;
                    a = from;
                    byte[] data = take(buf);
                    fromA.add(data);
                    if (!drop) back.send(ByteBuffer.wrap(data), b);
                }
                buf.clear();
                DatagramChannel bk = back;
                if (bk.receive(buf) != null) {
                    idle = false;
                    byte[] data = take(buf);
                    if (!drop && a != null) front.send(ByteBuffer.wrap(data), a);
                }
                if (idle) Thread.sleep(1);
            } catch (IOException e) {
                // the back socket was swapped by roam(); go on with the new one
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static byte[] take(ByteBuffer buf) {
        buf.flip();
        byte[] data = new byte[buf.remaining()];
        buf.get(data);
        return data;
    }

    @Override
    public void close() throws IOException {
        running = false;
        thread.interrupt();
        front.close();
        back.close();
    }
}
