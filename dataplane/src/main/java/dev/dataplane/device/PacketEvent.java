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

    final ByteBuffer buf;
    final UnsafeBuffer view;
    final UdpEndpoint source = new UdpEndpoint();

    int len;            // outbound: plaintext length at HEADER; inbound: whole message length at 0
    int status;
    Peer peer;
    Keypair keypair;
    long counter;
    UdpEndpoint destination;

    PacketEvent(ByteBuffer slot) {
        this.buf = slot;
        this.view = new UnsafeBuffer(slot);
    }

    void reset() {
        len = 0;
        status = OK;
        peer = null;
        keypair = null;
        destination = null;
    }
}
