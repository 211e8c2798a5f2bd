package dev.dataplane.device;

import dev.dataplane.crypto.ChaChaPoly;
import dev.dataplane.encap.wireguard.MessageType;
import dev.dataplane.encap.wireguard.WireGuardMessages;
import dev.dataplane.tun.UdpEndpoint;
import dev.dataplane.tun.PacketBatch;
import dev.dataplane.tun.UdpSocket;
import com.lmax.disruptor.EventHandler;

import java.io.IOException;

/**
 * TUN → wire. The TUN reader routes each packet to a peer and reserves its counter; crypto workers seal
 * in parallel; the sender puts datagrams on the wire in ring order.
 */
final class Outbound {
    static final int HEADER = WireGuardMessages.TRANSPORT_HEADER_LEN;
    /** Packets per batched read and send: enough to amortise syscalls, small enough to stay in cache. */
    static final int BATCH = 64;

    private final WgDevice device;
    private final PacketRing ring;
    private final int workers;
    private volatile boolean running = true;

    private final int slotSize;
    private final int mtu;

    /** {@code workers == 0}: run to completion in the reader thread, no ring (see {@link WgDevice#DEFAULT_WORKERS}). */
    Outbound(WgDevice device, int ringSize, int slotSize, int workers) {
        this.device = device;
        this.workers = workers;
        this.slotSize = slotSize;
        this.mtu = device.mtu();
        this.ring = workers == 0 ? null : new PacketRing("wg-tx", ringSize, slotSize, workers, Sealer::new, new Sender(),
                e -> device.died("TUN-to-UDP ring", e));
    }

    void start(PacketDevice tun) {
        if (ring != null) ring.start();
        device.startDataThread("wg-tun-reader", () -> {
            if (ring == null) inlineLoop(tun);
            else readLoop(tun);
        }, () -> running = false);
    }

    /** Packets between the TUN reader and the wire (ring mode; the inline mode holds none between calls). */
    long queueDepth() {
        return ring == null ? 0 : ring.depth();
    }

    void stop() {
        running = false;
        if (ring != null) ring.stop();
    }

    /**
     * One thread does it all, a batch at a time: drain what the TUN device holds, route and seal each packet
     * in place in its slot (the slot's headroom takes the header), then hand the batch to sendmmsg (with UDP
     * GSO where the kernel has it). Fewest hand-offs and syscalls; best on a machine with few cores.
     */
    private void inlineLoop(PacketDevice tun) {
        GrowingBatch buffers = new GrowingBatch(device, slotSize, HEADER, "outbound");
        Peer[] peers = new Peer[BATCH];
        ChaChaPoly aead = new ChaChaPoly();
        while (running) {
            PacketBatch batch = buffers.batch;
            PacketEvent ev = buffers.event;
            int slot = buffers.slot();
            int n;
            try {
                n = tun.readBatch(batch);
            } catch (IOException e) {
                if (running) device.fatal("TUN read failed: " + e.getMessage());
                running = false;
                return;
            }
            int out = 0;
            for (int i = 0; i < n; i++) {
                ev.at(batch.offset(i) - HEADER, batch.length(i));
                route(ev, slot);
                if (ev.status != PacketEvent.OK) continue;
                int len = seal(aead, ev, mtu);
                if (len < 0) {
                    drop(ev, DropReason.KEY_EXPIRED);
                    continue;
                }
                if (out != i) batch.view().putBytes(out * batch.slotSize(), batch.view(), i * batch.slotSize(), len);
                batch.set(out, 0, len);
                batch.endpoint(out).copyFrom(ev.destination);
                peers[out++] = ev.peer;
            }
            batch.count(out);
            if (out > 0) transmit(batch, peers);
            buffers.growAfterOversize();   // a packet did not fit (the MTU was raised): carry the next ones
        }
    }

    private void transmit(PacketBatch batch, Peer[] peers) {
        UdpSocket socket = device.socket();
        if (socket == null) {
            device.stats.drop(DropReason.IO_ERROR);
            return;
        }
        try {
            int sent = socket.sendBatch(batch);
            if (sent < batch.count()) {
                for (int i = sent; i < batch.count(); i++) device.stats.drop(DropReason.IO_ERROR);
            }
        } catch (IOException e) {
            for (int i = 0; i < batch.count(); i++) device.stats.drop(DropReason.IO_ERROR);
            return;
        }
        long now = device.clock.nanos();
        for (int i = 0; i < batch.count(); i++) {
            peers[i].sent(batch.length(i), now);
            peers[i] = null;
        }
    }

    private void readLoop(PacketDevice tun) {
        while (running) {
            long seq = ring.claim();
            PacketEvent ev = ring.get(seq);
            ev.reset();
            try {
                ev.len = tun.read(ev.buf, HEADER, slotSize - HEADER);   // not the MTU: it may have been raised
                route(ev, slotSize);
            } catch (IOException e) {
                ev.status = PacketEvent.DROP;
                if (running) device.fatal("TUN read failed: " + e.getMessage());
                running = false;
            } catch (RuntimeException | Error e) {
                ev.status = PacketEvent.DROP;   // published below; later stages must skip it
                throw e;
            } finally {
                ring.publish(seq);
            }
        }
    }

    /** Picks the peer and its session; packets without one are staged and a handshake is asked for. */
    private void route(PacketEvent ev, int slot) {
        if (HEADER + paddedLength(ev.len, mtu) + ChaChaPoly.TAG_LEN > slot) {
            drop(ev, DropReason.OVERSIZE);   // sealed, it would not fit its slot
            return;
        }
        Peer peer = device.routeOutbound(ev.view, ev.base + HEADER, ev.len);
        if (peer == null) {
            drop(ev, DropReason.NO_ROUTE);
            return;
        }
        UdpEndpoint endpoint = peer.endpoint;
        if (endpoint == null) {
            drop(ev, DropReason.NO_ENDPOINT);
            return;
        }
        long now = device.clock.nanos();
        ProtocolLimits limits = device.limits;
        Keypair kp = peer.current;
        long counter = kp == null || kp.expired(now, limits) ? -1 : kp.nextCounter(limits);
        if (counter < 0) {
            byte[] copy = new byte[ev.len];
            ev.view.getBytes(ev.base + HEADER, copy);
            peer.stage(copy);
            device.wantHandshake(peer);
            drop(ev, DropReason.NO_SESSION);
            return;
        }
        if (counter >= limits.rekeyAfterMessages()
                || (kp.initiator && now - kp.createdNanos >= limits.rekeyAfterTimeNanos())) {
            device.wantHandshake(peer);
        }
        ev.peer = peer;
        ev.keypair = kp;
        ev.counter = counter;
        ev.destination = endpoint;
        if (peer.firstUnansweredSendNanos == 0) peer.firstUnansweredSendNanos = now;
    }

    private void drop(PacketEvent ev, DropReason reason) {
        ev.status = PacketEvent.DROP;
        device.stats.drop(reason);
    }

    /**
     * Pads to a multiple of 16 (never beyond the MTU) as the protocol asks, then seals in place; returns the
     * message length, or -1 if the keypair was wiped meanwhile (the packet must be dropped).
     */
    static int seal(ChaChaPoly aead, PacketEvent ev, int mtu) {
        int padded = paddedLength(ev.len, mtu);
        int b = ev.base;
        for (int i = ev.len; i < padded; i++) ev.view.putByte(b + HEADER + i, (byte) 0);
        ev.view.putInt(b, MessageType.TRANSPORT, java.nio.ByteOrder.LITTLE_ENDIAN);
        ev.view.putInt(b + WireGuardMessages.TRANSPORT_RECEIVER, ev.keypair.remoteIndex, java.nio.ByteOrder.LITTLE_ENDIAN);
        ev.view.putLong(b + WireGuardMessages.TRANSPORT_COUNTER, ev.counter, java.nio.ByteOrder.LITTLE_ENDIAN);
        int sealed = aead.seal(ev.keypair.sendKey, ev.counter, ev.buf, b + HEADER, padded);
        return sealed < 0 ? -1 : HEADER + sealed;
    }

    static int paddedLength(int len, int mtu) {
        int last = len > mtu && mtu > 0 ? len % mtu : len;
        int padded = (last + 15) & ~15;
        if (mtu > 0 && padded > mtu) padded = mtu;
        return len - last + padded;
    }

    private final class Sealer implements EventHandler<PacketEvent> {
        private final ChaChaPoly aead = new ChaChaPoly();
        private final int id;

        Sealer(int id) {
            this.id = id;
        }

        @Override
        public void onEvent(PacketEvent ev, long seq, boolean endOfBatch) {
            if (seq % workers != id || ev.status != PacketEvent.OK) return;
            int len = seal(aead, ev, mtu);
            if (len < 0) drop(ev, DropReason.KEY_EXPIRED);
            else ev.len = len;
        }
    }

    private void transmit(PacketEvent ev) {
        UdpSocket socket = device.socket();
        if (socket == null) {
            device.stats.drop(DropReason.IO_ERROR);
            return;
        }
        try {
            socket.send(ev.buf, ev.base, ev.len, ev.destination);
            ev.peer.sent(ev.len, device.clock.nanos());
        } catch (IOException e) {
            device.stats.drop(DropReason.IO_ERROR);
        }
    }

    private final class Sender implements EventHandler<PacketEvent> {
        @Override
        public void onEvent(PacketEvent ev, long seq, boolean endOfBatch) {
            if (ev.status == PacketEvent.OK) transmit(ev);
        }
    }
}
