package dev.dataplane.crypto;

import java.util.Arrays;

/**
 * TAI64N timestamps as WireGuard's handshake initiation carries them: 8 bytes big-endian 2^62 + seconds,
 * then 4 bytes big-endian nanoseconds. Byte order equals time order, so comparing is a byte compare.
 */
public final class Tai64n {
    public static final int LEN = 12;
    private static final long TAI64_BASE = 1L << 62;

    private Tai64n() {}

    public static void write(long epochSeconds, int nanos, byte[] out, int off) {
        if (nanos < 0 || nanos > 999_999_999) throw new IllegalArgumentException("nanos out of range: " + nanos);
        long label = TAI64_BASE + epochSeconds;
        for (int i = 0; i < 8; i++) out[off + i] = (byte) (label >>> (56 - 8 * i));
        for (int i = 0; i < 4; i++) out[off + 8 + i] = (byte) (nanos >>> (24 - 8 * i));
    }

    /** Unsigned lexicographic comparison of the first 12 bytes; positive when a is newer than b. */
    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, 0, LEN, b, 0, LEN);
    }
}
