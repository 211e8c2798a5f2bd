package dev.dataplane.tun;

import java.io.IOException;

/** {@link TunIo} through read(2) and writev(2), one call per packet or frame. */
final class SyscallTunIo implements TunIo {
    private final NativeFd fd;

    SyscallTunIo(NativeFd fd) {
        this.fd = fd;
    }

    @Override
    public int read(long base, int stride, int room, int count, int[] lengths) throws IOException {
        int f = fd.acquire();
        try {
            int n = 0;
            while (n < count) {
                // after the first packet a failed read just ends the batch (almost always EAGAIN), so it
                // skips the errno-capturing retry; a real error shows on the next call, which starts at n == 0
                long r = n > 0 ? Libc.readNoErrno(f, base + (long) n * stride, (long) room)
                        : Libc.read(f, base + (long) n * stride, (long) room);
                if (r < 0 && n > 0) break;
                if (r >= 0) {
                    lengths[n++] = (int) r;
                    continue;
                }
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    if (n > 0) break;
                    fd.await(false);
                } else if (e != Libc.EINTR) {
                    throw new IOException("read from " + fd.what() + ": " + Libc.strerror(e));
                }
            }
            return n;
        } finally {
            fd.release();
        }
    }

    @Override
    public int write(FrameList frames) throws IOException {
        int f = fd.acquire();
        try {
            int written = 0, lastError = 0;
            for (int i = 0; i < frames.frames(); ) {
                long r = Libc.writev(f, frames.iovAddress(i), frames.iovCount(i));
                if (r >= 0) {
                    written += frames.packets(i++);
                    continue;
                }
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    fd.await(true);
                } else if (e != Libc.EINTR) {
                    lastError = e;
                    i++;
                }
            }
            if (written == 0 && lastError != 0) throw new IOException("write to " + fd.what() + ": " + Libc.strerror(lastError));
            return written;
        } finally {
            fd.release();
        }
    }

    /** Writes frame {@code frame} alone, waiting while the device queue is full; returns its packets or 0. */
    int writeOne(FrameList frames, int frame) throws IOException {
        int f = fd.acquire();
        try {
            while (true) {
                long r = Libc.writev(f, frames.iovAddress(frame), frames.iovCount(frame));
                if (r >= 0) return frames.packets(frame);
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    fd.await(true);
                } else if (e != Libc.EINTR) {
                    return 0;
                }
            }
        } finally {
            fd.release();
        }
    }

    @Override
    public void close() {
        // the fd belongs to the device
    }
}
