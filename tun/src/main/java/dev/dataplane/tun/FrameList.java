package dev.dataplane.tun;

/** Frames ready to write to a TUN fd, each a native iovec list, each carrying one or more packets. */
interface FrameList {
    int frames();

    long iovAddress(int frame);

    int iovCount(int frame);

    /** Packets of the batch that frame {@code frame} carries (more than one when coalesced). */
    int packets(int frame);
}
