package dev.dataplane.device;

import dev.dataplane.tun.UdpEndpoint;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * One slot of a Disruptor ring: an off-heap packet buffer and what the stages decided about it. Slots are
 * allocated once with the ring and reused forever, so the packet path allocates nothing.
 */
final class PacketEvent {
    static final int OK = 0;
    static final int DROP = 1;

    ByteBuffer buf;
    UnsafeBuffer view;
    int base;           // where the message (or header room) starts in buf: 0 for ring slots, a slot offset in batches
    UdpEndpoint source;

    int len;            // outbound: plaintext length at HEADER; inbound: whole message length at 0
    int status;
    Peer peer;
    Keypair keypair;
    long counter;
    UdpEndpoint destination;

    PacketEvent(ByteBuffer slot) {
        this(slot, new UnsafeBuffer(slot));
    }

    /** An event that looks into a shared buffer (a {@code PacketBatch}); move it with {@link #at}. */
    PacketEvent(ByteBuffer buf, UnsafeBuffer view) {
        this.buf = buf;
        this.view = view;
        this.source = new UdpEndpoint();
    }

    PacketEvent at(int base, int len) {
        reset();
        this.base = base;
        this.len = len;
        return this;
    }

    void reset() {
        len = 0;
        status = OK;
        peer = null;
        keypair = null;
        destination = null;
    }
}
