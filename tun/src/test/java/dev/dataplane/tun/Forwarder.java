package dev.dataplane.tun;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plain TUN→UDP→TUN forwarding (no crypto, no header) between two namespaces joined by a veth pair:
 *
 * <pre>
 *   nsA: tunA 10.N.0.1/24 ─ Java ─ UDP 198.18.N.1 ═ veth ═ 198.18.N.2 UDP ─ Java ─ tunB 10.N.0.2/24 :nsB
 * </pre>
 *
 * Each side runs one thread per direction. {@link Mode} picks the I/O flavour being measured or tested.
 */
final class Forwarder implements AutoCloseable {

    /** batch 1 = the single-packet calls; otherwise readBatch/writeBatch/receiveBatch/sendBatch. */
    record Mode(int batch, boolean gso, boolean gro, boolean offloads, boolean ioUring) {
        static Mode single() {
            return new Mode(1, false, false, false, false);
        }

        @Override
        public String toString() {
            return batch == 1 ? "single" : "batch " + batch + (gso ? " +GSO" : "") + (gro ? " +GRO" : "")
                    + (offloads ? " +TUN offloads" : "") + (ioUring ? " io_uring" : "");
        }
    }

    final Netns nsA, nsB;
    final String tunA, tunB;
    final String innerA, innerB;
    TunDevice devA, devB;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    final AtomicLong packets = new AtomicLong();
    final AtomicLong tunReads = new AtomicLong();
    private volatile Throwable failure;

    private Forwarder(Netns nsA, Netns nsB, int subnet) {
        this.nsA = nsA;
        this.nsB = nsB;
        this.tunA = Netns.uniqueName("dpa");
        this.tunB = Netns.uniqueName("dpb");
        this.innerA = "10." + subnet + ".0.1";
        this.innerB = "10." + subnet + ".0.2";
    }

    /** Builds both namespaces, the veth underlay and the TUN devices, and starts forwarding. */
    static Forwarder start(int subnet, int mtu, Mode mode) throws Exception {
        Netns a = Netns.create();
        Netns b;
        try {
            b = Netns.create();
        } catch (Exception e) {
            a.close();
            throw e;
        }
        Forwarder f = new Forwarder(a, b, subnet);
        try {
            f.setUp(subnet, mtu, mode);
            return f;
        } catch (Throwable t) {
            f.close();
            throw t;
        }
    }

    private void setUp(int subnet, int mtu, Mode mode) throws Exception {
        String vethA = Netns.uniqueName("dpva"), vethB = Netns.uniqueName("dpvb");
        nsA.ip("link", "add", vethA, "type", "veth", "peer", "name", vethB, "netns", nsB.name);
        String underA = "198.18." + subnet + ".1", underB = "198.18." + subnet + ".2";
        nsA.ip("addr", "add", underA + "/30", "dev", vethA);
        nsB.ip("addr", "add", underB + "/30", "dev", vethB);
        nsA.ip("link", "set", vethA, "up");
        nsB.ip("link", "set", vethB, "up");

        TunDevice a = devA = nsA.call(() -> TunDevice.create(tunA, mtu, options(mode)));
        resources.add(a);
        TunDevice b = devB = nsB.call(() -> TunDevice.create(tunB, mtu, options(mode)));
        resources.add(b);
        UdpSocket ua = nsA.call(() -> UdpSocket.bind(InetAddress.getByName(underA), 0));
        resources.add(ua);
        UdpSocket ub = nsB.call(() -> UdpSocket.bind(InetAddress.getByName(underB), 0));
        resources.add(ub);
        for (UdpSocket u : new UdpSocket[] {ua, ub}) {
            u.setGso(mode.gso());
            if (mode.gro()) u.setGro(true);
        }
        nsA.ip("addr", "add", innerA + "/24", "dev", tunA);
        nsB.ip("addr", "add", innerB + "/24", "dev", tunB);

        UdpEndpoint toB = new UdpEndpoint(new InetSocketAddress(underB, ub.localPort()));
        UdpEndpoint toA = new UdpEndpoint(new InetSocketAddress(underA, ua.localPort()));
        int slot = mode.offloads() ? 2048 : Math.max(2048, mtu + 64);
        spawn("A-out", () -> tunToUdp(a, ua, toB, mode, slot));
        spawn("B-in", () -> udpToTun(ub, b, mode, slot));
        spawn("B-out", () -> tunToUdp(b, ub, toA, mode, slot));
        spawn("A-in", () -> udpToTun(ua, a, mode, slot));
    }

    private static TunOptions options(Mode mode) {
        return TunOptions.DEFAULT.withOffloads(mode.offloads()).withIoUring(mode.ioUring());
    }

    private interface Loop {
        void run() throws IOException;
    }

    private void spawn(String name, Loop loop) {
        Thread t = Thread.ofPlatform().daemon().name("fwd-" + name).start(() -> {
            try {
                loop.run();
            } catch (IOException closed) {
                // forwarding ends when the devices close
            } catch (Throwable e) {
                failure = e;
            }
        });
        threads.add(t);
    }

    private void tunToUdp(TunDevice tun, UdpSocket udp, UdpEndpoint to, Mode mode, int slot) throws IOException {
        if (mode.batch() == 1) {
            ByteBuffer buf = ByteBuffer.allocateDirect(slot);
            while (true) {
                int n = tun.read(buf, 0, slot);
                tunReads.incrementAndGet();
                udp.send(buf, 0, n, to);
                packets.incrementAndGet();
            }
        }
        PacketBatch batch = new PacketBatch(mode.batch(), slot);
        while (true) {
            int n = tun.readBatch(batch);
            tunReads.incrementAndGet();
            for (int i = 0; i < n; i++) batch.endpoint(i).copyFrom(to);
            udp.sendBatch(batch);
            packets.addAndGet(n);
        }
    }

    private void udpToTun(UdpSocket udp, TunDevice tun, Mode mode, int slot) throws IOException {
        if (mode.batch() == 1) {
            ByteBuffer buf = ByteBuffer.allocateDirect(slot);
            UdpEndpoint from = new UdpEndpoint();
            while (true) {
                int n = udp.receive(buf, 0, slot, from);
                tun.write(buf, 0, n);
            }
        }
        PacketBatch batch = new PacketBatch(mode.batch(), slot);
        while (true) {
            udp.receiveBatch(batch);
            tun.writeBatch(batch);
        }
    }

    /** Bytes allocated so far by the four forwarding threads. */
    long allocatedBytes() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : threads) sum += Math.max(0, mx.getThreadAllocatedBytes(t.threadId()));
        return sum;
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception ignored) {
            }
        }
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        nsB.close();
        nsA.close();
    }
}
