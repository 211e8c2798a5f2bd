package dev.dataplane.tun;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A reusable set of packets for batched I/O: {@code capacity} fixed-size slots carved from one off-heap
 * buffer, each with the position and length of its packet and, for UDP, its endpoint. Allocated once; every
 * batched call fills or drains it without allocating.
 *
 * <p>Packets start {@link #headroom()} bytes into their slot when a read fills them, which leaves room to
 * prepend an encapsulation header in place; a writer may move the start anywhere inside the slot with
 * {@link #set(int, int, int)}. Reads fill slots from 0 and set {@link #count()}; writes send slots
 * {@code [0, count)}. A batch belongs to one thread at a time.
 */
public final class PacketBatch {
    private final int capacity;
    private final int slotSize;
    private final int headroom;
    private final ByteBuffer buffer;
    private final UnsafeBuffer view;
    private final long address;
    private final int[] starts;
    private final int[] lengths;
    private final int[] sums;   // each packet's folded ones' complement sum when a copy took it on the way, else -1
    private final UdpEndpoint[] endpoints;
    private int count;
    private boolean sumOnReceive;
    private boolean authenticated;
    private UdpVectors udpVectors; // native msghdr/iovec arrays, made by the first UDP call

    public PacketBatch(int capacity, int slotSize) {
        this(capacity, slotSize, 0);
    }

    public PacketBatch(int capacity, int slotSize, int headroom) {
        if (capacity < 1 || slotSize < 64 || headroom < 0 || headroom >= slotSize) {
            throw new IllegalArgumentException("capacity " + capacity + ", slot " + slotSize + ", headroom " + headroom);
        }
        this.capacity = capacity;
        this.slotSize = slotSize;
        this.headroom = headroom;
        this.buffer = BufferUtil.allocateDirectAligned(capacity * slotSize, 64);
        this.view = new UnsafeBuffer(buffer);
        this.address = view.addressOffset();
        this.starts = new int[capacity];
        this.lengths = new int[capacity];
        this.sums = new int[capacity];
        java.util.Arrays.fill(sums, -1);
        this.endpoints = new UdpEndpoint[capacity];
        for (int i = 0; i < capacity; i++) {
            starts[i] = headroom;
            endpoints[i] = new UdpEndpoint();
        }
    }

    public int capacity() {
        return capacity;
    }

    public int slotSize() {
        return slotSize;
    }

    public int headroom() {
        return headroom;
    }

    /** Room for a packet read into a slot: the slot minus the headroom. */
    public int maxPacket() {
        return slotSize - headroom;
    }

    /** Number of valid packets, in slots {@code [0, count)}. */
    public int count() {
        return count;
    }

    public void count(int n) {
        if (n < 0 || n > capacity) throw new IndexOutOfBoundsException(n);
        count = n;
    }

    /** Empties the batch and puts every packet start back at the headroom. */
    public void clear() {
        count = 0;
        java.util.Arrays.fill(starts, headroom);
        java.util.Arrays.fill(sums, -1);
    }

    /** The whole off-heap area; slot {@code i}'s packet is at {@link #offset(int)}. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** The same area as an Agrona buffer. */
    public UnsafeBuffer view() {
        return view;
    }

    /** Offset of slot {@code i}'s packet in {@link #buffer()}. */
    public int offset(int i) {
        return i * slotSize + starts[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    /**
     * Sets slot {@code i}'s packet to {@code length} bytes starting {@code startInSlot} bytes into the slot. Its
     * {@link #knownSum} is forgotten: the caller may have rewritten the bytes.
     */
    public void set(int i, int startInSlot, int length) {
        if (startInSlot < 0 || length < 0 || startInSlot + length > slotSize) {
            throw new IndexOutOfBoundsException("slot " + i + ": " + startInSlot + "+" + length + " > " + slotSize);
        }
        starts[i] = startInSlot;
        lengths[i] = length;
        sums[i] = -1;
    }

    /**
     * Takes {@code n} bytes off the front of slot {@code i}'s packet (an outer header, the rest untouched), keeping
     * its {@link #knownSum} (less those bytes' sum) when {@code n} is even, so the words stay aligned.
     */
    public void strip(int i, int n) {
        if (n < 0 || n > lengths[i]) throw new IndexOutOfBoundsException("strip " + n + " of " + lengths[i]);
        int s = sums[i];
        sums[i] = s >= 0 && (n & 1) == 0 ? Checksum.subtract(s, Checksum.sum(view, offset(i), n, 0)) : -1;
        starts[i] += n;
        lengths[i] -= n;
    }

    /**
     * The folded 16-bit ones' complement sum (RFC 1071, not inverted) of slot {@code i}'s packet, when the receive
     * that filled the slot took it while copying, else -1. It lets a checksum be checked without reading the
     * payload again; anything that rewrites the packet's bytes goes through {@link #set}, which forgets it.
     */
    public int knownSum(int i) {
        return sums[i];
    }

    /** Sets slot {@code i}'s length, keeping its start. */
    public void length(int i, int length) {
        set(i, starts[i], length);
    }

    /**
     * Whether a receive that copies datagrams into the slots (splitting UDP GRO messages) takes each one's
     * {@link #knownSum} on the way: for a mode whose inner packets keep the received bytes (VXLAN), so that checking
     * their TCP checksums reads no payload twice. Off by default: a mode that decrypts would only waste it.
     */
    public void sumOnReceive(boolean on) {
        sumOnReceive = on;
    }

    boolean sumOnReceive() {
        return sumOnReceive;
    }

    /**
     * Whether the packets' bytes were authenticated end to end (a WireGuard AEAD): then the TUN writer merges TCP
     * segments without checking their checksums first, as kernel WireGuard marks what it decrypted
     * CHECKSUM_UNNECESSARY. Transit cannot have corrupted them; unauthenticated modes (VXLAN) leave this off.
     */
    public void authenticated(boolean on) {
        authenticated = on;
    }

    boolean authenticated() {
        return authenticated;
    }

    /** The endpoint of slot {@code i}: source after a UDP receive, destination for a UDP send. */
    public UdpEndpoint endpoint(int i) {
        return endpoints[i];
    }

    /** Native address of slot {@code i}'s packet. */
    long address(int i) {
        return address + offset(i);
    }

    /** Offset of slot {@code i}'s first byte in {@link #buffer()}, ignoring its start. */
    int slotOffset(int i) {
        return i * slotSize;
    }

    /** Native address of slot {@code i}'s first byte, ignoring its start. */
    long slotAddress(int i) {
        return address + (long) i * slotSize;
    }

    /** Marks slot {@code i} as freshly read: start at the headroom, {@code length} bytes. */
    void filled(int i, int length) {
        starts[i] = headroom;
        lengths[i] = length;
        sums[i] = -1;
    }

    /** Records the sum a copy into slot {@code i} took of its packet. */
    void knownSum(int i, int sum) {
        sums[i] = sum;
    }

    UdpVectors udpVectors() {
        if (udpVectors == null) udpVectors = new UdpVectors(capacity);
        return udpVectors;
    }
}
