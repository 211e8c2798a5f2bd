package dev.dataplane.tun;

import org.agrona.BufferUtil;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A Linux TUN device (IFF_TUN | IFF_NO_PI) made through /dev/net/tun, carrying one IP packet per read or
 * write. The device is not persistent: it disappears when {@link #close()} closes its fd. The fd is
 * non-blocking underneath; a read that finds nothing waits in poll(2) beside a wake-up eventfd, so
 * {@link #close()} from another thread ends it at once.
 */
public final class TunDevice implements AutoCloseable {
    private final String name;
    private final int mtu;
    private final NativeFd fd;

    private TunDevice(String name, int mtu, NativeFd fd) {
        this.name = name;
        this.mtu = mtu;
        this.fd = fd;
    }

    /**
     * Creates TUN device {@code name} with {@code mtu} and brings it up. Refuses a name that already exists,
     * so two processes never share a device by accident.
     */
    public static TunDevice create(String name, int mtu) throws TunException {
        return create(name, mtu, TunOptions.DEFAULT);
    }

    /** As {@link #create(String, int)}, with offloads and io_uring as {@code options} ask. */
    public static TunDevice create(String name, int mtu, TunOptions options) throws TunException {
        int raw = TunSetup.open(name, false);
        NativeFd fd;
        try {
            fd = new NativeFd(raw, name);
        } catch (IOException e) {
            throw new TunException("creating " + name + ": " + e.getMessage());
        }
        TunDevice tun = new TunDevice(name, mtu, fd);
        try {
            TunSetup.setMtuAndUp(name, mtu);
        } catch (TunException e) {
            tun.close();
            throw e;
        }
        return tun;
    }

    public String name() {
        return name;
    }

    public int mtu() {
        return mtu;
    }

    /**
     * Reads one IP packet into {@code directBuf} at {@code off}; blocks until one arrives. A packet longer
     * than {@code maxLen} is truncated, as read(2) on a TUN device does.
     *
     * @throws java.nio.channels.AsynchronousCloseException if the device is closed while waiting
     */
    public int read(ByteBuffer directBuf, int off, int maxLen) throws IOException {
        long address = BufferUtil.address(directBuf) + off;
        int f = fd.acquire();
        try {
            while (true) {
                long n = (long) Libc.READ.invokeExact(Libc.state(), f, address, (long) maxLen);
                if (n >= 0) return (int) n;
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    fd.await(false);
                } else if (e != Libc.EINTR) {
                    throw new IOException("read from " + name + ": " + Libc.strerror(e));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            fd.release();
        }
    }

    /**
     * Writes one IP packet. A packet the kernel refuses (malformed, too big) is reported by an exception;
     * it is never retried.
     */
    public int write(ByteBuffer directBuf, int off, int len) throws IOException {
        long address = BufferUtil.address(directBuf) + off;
        int f = fd.acquire();
        try {
            while (true) {
                long n = (long) Libc.WRITE.invokeExact(Libc.state(), f, address, (long) len);
                if (n >= 0) return (int) n;
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    fd.await(true);
                } else if (e != Libc.EINTR) {
                    throw new IOException("write to " + name + ": " + Libc.strerror(e));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            fd.release();
        }
    }

    /**
     * Reads as many packets as are waiting (at least one, at most the batch's capacity) into slots
     * {@code [0, n)} of {@code batch}; blocks until one arrives. Returns {@code n}, also the batch count.
     */
    public int readBatch(PacketBatch batch) throws IOException {
        int f = fd.acquire();
        try {
            int n = 0, room = batch.maxPacket();
            while (n < batch.capacity()) {
                long r = (long) Libc.READ.invokeExact(Libc.state(), f, batch.slotAddress(n) + batch.headroom(), (long) room);
                if (r >= 0) {
                    batch.filled(n++, (int) r);
                    continue;
                }
                int e = Libc.errno();
                if (e == Libc.EAGAIN) {
                    if (n > 0) break;
                    fd.await(false);
                } else if (e != Libc.EINTR) {
                    throw new IOException("read from " + name + ": " + Libc.strerror(e));
                }
            }
            batch.count(n);
            return n;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            fd.release();
        }
    }

    /**
     * Writes slots {@code [0, count)} of {@code batch}, one packet each; returns how many the kernel took. A
     * packet it refuses (malformed) is skipped; the call throws only if none could be written.
     */
    public int writeBatch(PacketBatch batch) throws IOException {
        int f = fd.acquire();
        try {
            int written = 0, lastError = 0;
            for (int i = 0; i < batch.count(); ) {
                long r = (long) Libc.WRITE.invokeExact(Libc.state(), f, batch.address(i), (long) batch.length(i));
                if (r >= 0) {
                    written++;
                    i++;
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
            if (written == 0 && lastError != 0) throw new IOException("write to " + name + ": " + Libc.strerror(lastError));
            return written;
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            fd.release();
        }
    }

    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Closes the device; blocked reads end with an exception and the interface vanishes. Idempotent. */
    @Override
    public void close() {
        fd.close();
    }
}
