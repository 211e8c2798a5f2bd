package dev.dataplane.device;

import com.lmax.disruptor.EventHandler;
import dev.dataplane.crypto.ChaChaPoly;
import dev.dataplane.encap.ip.IpPacket;
import dev.dataplane.encap.wireguard.MessageType;
import dev.dataplane.encap.wireguard.WireGuardMessages;
import dev.dataplane.tun.UdpEndpoint;
import dev.dataplane.tun.PacketBatch;
import dev.dataplane.tun.UdpSocket;

import java.io.IOException;
import java.nio.ByteOrder;

/**
 * Wire → TUN. The UDP reader classifies each datagram: handshake messages leave for the control thread
 * (so they never stall data), transport messages find their keypair by receiver index; workers open them
 * in parallel; the in-order stage checks replay, the inner source address and roaming, then writes to TUN.
 */
final class Inbound {
    static final int HEADER = WireGuardMessages.TRANSPORT_HEADER_LEN;

    private final WgDevice device;
    private final PacketRing ring;
    private final int workers;
    private final int slotSize;
    private final Deliverer deliverer = new Deliverer();
    private final WireToTun inline;
    private volatile boolean running = true;
    private final RepeatedFailure receiveFailures = new RepeatedFailure(RepeatedFailure.INTERVAL_NANOS);
    private PacketDevice tun;

    Inbound(WgDevice device, int ringSize, int slotSize, int workers) {
        this.device = device;
        this.workers = workers;
        this.slotSize = slotSize;
        this.ring = workers == 0 ? null : new PacketRing("wg-rx", ringSize, slotSize, workers, Opener::new, deliverer,
                e -> device.died("UDP-to-TUN ring", e));
        this.inline = workers == 0 ? new WireToTun(device, new Opening(), slotSize) : null;
    }

    /** The run-to-completion loop, or null in the ring mode. */
    WireToTun inline() {
        return inline;
    }

    /** Starts the ring mode's threads; the inline loop ({@link #inline}) is started by the device ({@link Device#startDataPath}). */
    void start(PacketDevice tun) {
        this.tun = tun;
        if (ring == null) return;
        ring.start();
        device.startDataThread("wg-udp-reader", this::readLoop, () -> running = false);
    }

    /** Packets between the UDP reader and the TUN device (ring mode; the inline mode holds none between calls). */
    long queueDepth() {
        return ring == null ? 0 : ring.depth();
    }

    void stop() {
        running = false;
        if (inline != null) inline.stop();
        if (ring != null) ring.stop();
    }

    /** The inline mode's per-datagram work on the shared {@link WireToTun} loop: classify, open, check. */
    private final class Opening implements InboundTransform {
        private final ChaChaPoly aead = new ChaChaPoly();
        private PacketEvent ev;
        private long batchNanos;

        @Override
        public void begin(long now) {
            batchNanos = now;
        }

        @Override
        public int decapsulate(PacketBatch batch, int i) {
            if (ev == null || ev.buf != batch.buffer()) ev = new PacketEvent(batch.buffer(), batch.view());   // grown
            int start = batch.offset(i) - i * batch.slotSize();
            ev.at(batch.offset(i), batch.length(i));
            ev.source = batch.endpoint(i);
            classify(ev, batchNanos);
            if (ev.status == PacketEvent.OK) open(aead, ev);
            int ipLen = ev.status == PacketEvent.OK ? accept(ev) : -1;
            if (ipLen > 0) batch.set(i, start + HEADER, ipLen);
            return ipLen;
        }

        /** Only packets that opened reach the device, and the AEAD covered every byte of them. */
        @Override
        public boolean authenticates() {
            return true;
        }
    }

    private void open(ChaChaPoly aead, PacketEvent ev) {
        int plain = aead.open(ev.keypair.receiveKey, ev.counter, ev.buf, ev.base + HEADER, ev.len - HEADER);
        if (plain < 0) drop(ev, DropReason.DECRYPT_FAILED);
        else ev.len = plain;
    }

    private void readLoop() {
        while (running) {
            UdpSocket socket = device.socket();
            if (socket == null) {
                sleepBriefly();
                continue;
            }
            long seq = ring.claim();
            PacketEvent ev = ring.get(seq);
            ev.reset();
            try {
                ev.len = socket.receive(ev.buf, 0, slotSize, ev.source);
                if (ev.len >= slotSize) drop(ev, DropReason.OVERSIZE);   // filled its slot: probably cut short
                else classify(ev, device.clock.nanos());
            } catch (IOException e) {
                ev.status = PacketEvent.DROP;
                receiveFailed(socket, e);
            } catch (RuntimeException | Error e) {
                ev.status = PacketEvent.DROP;   // published below; later stages must skip it
                throw e;
            } finally {
                ring.publish(seq);
            }
        }
    }

    private void receiveFailed(UdpSocket socket, IOException e) {
        if (running) WireToTun.receiveFailed(device, socket, e, receiveFailures);
    }

    /** {@code now}: for the key's lifetime only, so a batch's start time will do. */
    private void classify(PacketEvent ev, long now) {
        int type = WireGuardMessages.type(ev.view, ev.base, ev.len);
        if (type == MessageType.TRANSPORT) {
            int index = ev.view.getInt(ev.base + WireGuardMessages.TRANSPORT_RECEIVER, ByteOrder.LITTLE_ENDIAN);
            Keypair kp = device.indices.keypair(index);
            if (kp == null) {
                drop(ev, DropReason.UNKNOWN_INDEX);
                return;
            }
            ev.counter = ev.view.getLong(ev.base + WireGuardMessages.TRANSPORT_COUNTER, ByteOrder.LITTLE_ENDIAN);
            if (kp.expired(now, device.limits) || ev.counter < 0 || ev.counter >= device.limits.rejectAfterMessages()) {
                drop(ev, DropReason.KEY_EXPIRED);
                return;
            }
            ev.keypair = kp;
            ev.peer = kp.peer;
        } else if (type > 0) {
            byte[] msg = new byte[ev.len];
            ev.view.getBytes(ev.base, msg);
            device.control.submitHandshake(msg, new UdpEndpoint().copyFrom(ev.source));
            ev.status = PacketEvent.DROP; // consumed by the control thread
        } else {
            drop(ev, DropReason.MALFORMED);
        }
    }

    private void drop(PacketEvent ev, DropReason reason) {
        ev.status = PacketEvent.DROP;
        device.stats.drop(reason);
    }

    private static void sleepBriefly() {
        WireToTun.sleepBriefly();
    }

    private final class Opener implements EventHandler<PacketEvent> {
        private final ChaChaPoly aead = new ChaChaPoly();
        private final int id;

        Opener(int id) {
            this.id = id;
        }

        @Override
        public void onEvent(PacketEvent ev, long seq, boolean endOfBatch) {
            if (seq % workers != id || ev.status != PacketEvent.OK) return;
            open(aead, ev);
        }
    }

    /** Runs in ring order, so the replay window and timers see one thread. */
    /**
     * The in-order checks on an opened message: replay window, session confirmation and roaming, counters,
     * then the inner packet's length and source address. Returns the inner packet's length (at
     * base + HEADER) if it should reach the TUN device, else 0 (keepalive) or -1 (dropped, counted).
     */
    int accept(PacketEvent ev) {
        Keypair kp = ev.keypair;
        Peer peer = kp.peer;
        if (!kp.replay.accept(ev.counter)) {
            device.stats.drop(DropReason.REPLAYED);
            return -1;
        }
        long now = device.clock.nanos();
        device.authenticatedFrom(peer, kp, ev.source, now);
        peer.rx.data(ev.len + HEADER + ChaChaPoly.TAG_LEN);
        if (ev.len == 0) return 0; // keepalive
        int ipLen = IpPacket.totalLength(ev.view, ev.base + HEADER, ev.len);
        if (ipLen <= 0) {
            device.stats.drop(DropReason.BAD_INNER_PACKET);
            return -1;
        }
        if (device.routeInbound(ev.view, ev.base + HEADER, ipLen) != peer) {
            device.stats.drop(DropReason.SOURCE_NOT_ALLOWED);
            return -1;
        }
        peer.received.opened(now, peer.sent);
        return ipLen;
    }

    private final class Deliverer implements EventHandler<PacketEvent> {
        @Override
        public void onEvent(PacketEvent ev, long seq, boolean endOfBatch) {
            if (ev.status != PacketEvent.OK) return;
            int ipLen = accept(ev);
            if (ipLen <= 0) return;
            try {
                tun.write(ev.buf, ev.base + HEADER, ipLen);
            } catch (IOException e) {
                device.stats.drop(DropReason.IO_ERROR);
            }
        }
    }
}
