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

    private final WgDevice device;
    private final PacketRing ring;
    private final TunToWire inline;
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
        this.inline = workers == 0 ? new TunToWire(device, new Sealing(), slotSize) : null;
    }

    /** The run-to-completion loop, or null in the ring mode. */
    TunToWire inline() {
        return inline;
    }

    /** Starts the ring mode's threads; the inline loop ({@link #inline}) is started by the device ({@link Device#startDataPath}). */
    void start(PacketDevice tun) {
        if (ring == null) return;
        ring.start();
        device.startDataThread("wg-tun-reader", () -> readLoop(tun), () -> running = false);
    }

    /** Packets between the TUN reader and the wire (ring mode; the inline mode holds none between calls). */
    long queueDepth() {
        return ring == null ? 0 : ring.depth();
    }

    void stop() {
        running = false;
        if (inline != null) inline.stop();
        if (ring != null) ring.stop();
    }

    /**
     * The inline mode's per-packet work on the shared {@link TunToWire} loop: route and seal each packet in
     * place in its slot (the slot's headroom takes the header); after the send, count it for its peer.
     */
    private final class Sealing implements OutboundTransform {
        private final ChaChaPoly aead = new ChaChaPoly();
        private final Peer[] peers = new Peer[GrowingBatch.BATCH];
        private PacketEvent ev;
        private long batchNanos;

        @Override
        public void begin(long now) {
            batchNanos = now;
        }

        @Override
        public int headroom() {
            return HEADER;
        }

        @Override
        public int encapsulate(PacketBatch batch, int i, int out) {
            if (ev == null || ev.buf != batch.buffer()) ev = new PacketEvent(batch.buffer(), batch.view());   // grown
            ev.at(batch.offset(i) - HEADER, batch.length(i));
            route(ev, batch.slotSize(), batchNanos);
            if (ev.status != PacketEvent.OK) return -1;
            int len = seal(aead, ev, mtu);
            if (len < 0) {
                drop(ev, DropReason.KEY_EXPIRED);
                return -1;
            }
            batch.endpoint(out).copyFrom(ev.destination);
            peers[out] = ev.peer;
            return len;
        }

        @Override
        public void sent(PacketBatch batch, int sent, long now) {
            for (int i = 0; i < sent; i++) peers[i].sent(batch.length(i), now);
            java.util.Arrays.fill(peers, 0, batch.count(), null);
        }
    }

    private void readLoop(PacketDevice tun) {
        while (running) {
            long seq = ring.claim();
            PacketEvent ev = ring.get(seq);
            ev.reset();
            try {
                ev.len = tun.read(ev.buf, HEADER, slotSize - HEADER);   // not the MTU: it may have been raised
                route(ev, slotSize, device.clock.nanos());
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

    /**
     * Picks the peer and its session; packets without one are staged and a handshake is asked for. {@code now}
     * is for the key's lifetime only (rejection and rekey after time), so a batch's start time will do.
     */
    private void route(PacketEvent ev, int slot, long now) {
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
