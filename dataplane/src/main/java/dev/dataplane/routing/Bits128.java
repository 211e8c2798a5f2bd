package dev.dataplane.routing;

/**
 * Bit arithmetic on a 128-bit key held as two longs, most significant bit first: IPv6 uses all of
 * it, IPv4 the top 32 bits of {@code hi} (the rest zero), so one trie serves both families.
 */
final class Bits128 {
    private Bits128() {}

    /** The top {@code cidr} bits of the high word set (0 <= cidr <= 128). */
    static long maskHi(int cidr) {
        if (cidr >= 64) return -1L;
        return cidr == 0 ? 0L : -1L << (64 - cidr); // a shift by 64 would be a shift by 0
    }

    /** The low word's part of the mask for {@code cidr} (0 <= cidr <= 128). */
    static long maskLo(int cidr) {
        return cidr <= 64 ? 0L : -1L << (128 - cidr);
    }

    /** Bit {@code index} (0 = most significant) of the key, as 0 or 1; indexes 0..127. */
    static int bit(long hi, long lo, int index) {
        return index < 64 ? (int) (hi >>> (63 - index)) & 1 : (int) (lo >>> (127 - index)) & 1;
    }

    /** How many leading bits two keys share (128 when equal). */
    static int commonPrefix(long aHi, long aLo, long bHi, long bLo) {
        long x = aHi ^ bHi;
        return x != 0 ? Long.numberOfLeadingZeros(x) : 64 + Long.numberOfLeadingZeros(aLo ^ bLo);
    }

    /** An IPv4 address (network order int) placed as a 128-bit key. */
    static long v4Hi(int address) {
        return (long) address << 32;
    }
}
