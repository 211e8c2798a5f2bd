package dev.dataplane.tun;

/**
 * How a {@link TunDevice} moves packets.
 *
 * @param offloads IFF_VNET_HDR with TSO/USO and checksum offload: the kernel hands over TCP/UDP super-packets
 *                 of up to 64 KB, which {@link TunDevice#readBatch} splits into MTU-sized packets, and
 *                 {@link TunDevice#writeBatch} coalesces runs of TCP segments back into super-packets. Falls
 *                 back to plain packets where the kernel refuses.
 * @param ioUring  batches go through an io_uring (many reads or writes per system call) instead of one
 *                 read(2)/write(2) per packet. Falls back to system calls where io_uring is unavailable.
 * @param tap      a TAP device carrying Ethernet frames; offloads then split and coalesce super-frames with
 *                 their Ethernet header.
 */
public record TunOptions(boolean offloads, boolean ioUring, boolean tap) {
    /** Plain packets, one system call each: what {@link TunDevice#create(String, int)} uses. */
    public static final TunOptions DEFAULT = new TunOptions(false, false, false);

    public TunOptions withOffloads(boolean on) {
        return new TunOptions(on, ioUring, tap);
    }

    public TunOptions withIoUring(boolean on) {
        return new TunOptions(offloads, on, tap);
    }

    /** A TAP device (IFF_TAP): Ethernet frames instead of IP packets, for modes that bridge layer 2. */
    public TunOptions withTap(boolean on) {
        return new TunOptions(offloads, ioUring, on);
    }
}
