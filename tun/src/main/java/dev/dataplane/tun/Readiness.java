package dev.dataplane.tun;

import java.io.IOException;

/**
 * For a thread that serves a TUN device and a UDP socket alone: reads that find nothing return at once instead of
 * waiting (see {@link #returnEmptyReads}), and {@link #awaitEither} waits for whichever becomes readable first. One
 * thread per device then carries both directions without a wake-up between threads for each packet.
 */
public final class Readiness {
    /** Thrown, without a stack trace, by a read that found nothing in a thread that asked not to wait. */
    public static final class NothingWaiting extends IOException {
        private NothingWaiting() {
            super("nothing waiting");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;   // one shared instance, thrown often: no trace to fill
        }
    }

    static final NothingWaiting NOTHING_WAITING = new NothingWaiting();

    private static final ThreadLocal<boolean[]> RETURN_EMPTY = ThreadLocal.withInitial(() -> new boolean[1]);

    private Readiness() {}

    /**
     * From now on, reads on this thread ({@link TunDevice#readBatch}, {@link UdpSocket#receiveBatch}) that find
     * nothing throw {@link NothingWaiting} instead of waiting; writes still wait for room.
     */
    public static void returnEmptyReads() {
        setReturnEmptyReads(true);
    }

    /** Sets whether reads on this thread return empty (see {@link #returnEmptyReads()}); returns the previous setting. */
    public static boolean setReturnEmptyReads(boolean on) {
        boolean[] flag = RETURN_EMPTY.get();
        boolean was = flag[0];
        flag[0] = on;
        return was;
    }

    static boolean readsReturnEmpty() {
        return RETURN_EMPTY.get()[0];
    }

    /**
     * Waits until the device has something to read or is closing (then {@link java.nio.channels.ClosedChannelException}
     * or the next read says so); for a thread that reads it with {@link #returnEmptyReads} and waits outside the read.
     */
    public static void await(TunDevice tun) throws IOException {
        tun.nativeFd().awaitReadable();
    }

    /**
     * Waits until the device or the socket has something to read, or either is closing; throws
     * {@link java.nio.channels.ClosedChannelException} if one was closed already.
     */
    public static void awaitEither(TunDevice tun, UdpSocket socket) throws IOException {
        NativeFd.awaitEitherReadable(tun.nativeFd(), socket.nativeFd());
    }
}
