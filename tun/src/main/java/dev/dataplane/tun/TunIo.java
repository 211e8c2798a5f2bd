package dev.dataplane.tun;

import java.io.IOException;

/** How a {@link TunDevice} moves bytes: one system call per packet, or an io_uring. */
interface TunIo extends AutoCloseable {
    /**
     * Reads up to {@code count} packets (or frames) into buffers {@code base + i * stride} of {@code room} bytes
     * each, in order; blocks until at least one is read. Lengths go to {@code lengths}; returns how many.
     */
    int read(long base, int stride, int room, int count, int[] lengths) throws IOException;

    /**
     * Writes every frame of {@code frames}; returns the number of packets the kernel took. A frame it refuses
     * is skipped; throws only if none was taken.
     */
    int write(FrameList frames) throws IOException;

    @Override
    void close();
}
