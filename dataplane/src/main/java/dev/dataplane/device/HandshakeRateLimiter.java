package dev.dataplane.device;

import dev.dataplane.tun.UdpEndpoint;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Token buckets per source for handshakes under load, like wireguard-go's ratelimiter: 20 per second with a
 * burst of 5, per IPv4 address and per IPv6 /64 (one host owns a whole /64, as the kernel's limiter assumes).
 * At most {@link #MAX_SOURCES} sources are tracked; a new source beyond that is refused until idle buckets
 * are swept (once a second), so a flood from many addresses cannot grow the table. Control thread only.
 */
final class HandshakeRateLimiter {
    private static final long PACKET_COST_NANOS = 1_000_000_000L / 20;
    private static final long MAX_TOKENS_NANOS = PACKET_COST_NANOS * 5;
    private static final long IDLE_NANOS = 1_000_000_000L;
    static final int MAX_SOURCES = 1 << 16;
    /** IPv4 keys live under a prefix no IPv6 unicast source has (ffff:ffff::/32 is multicast space). */
    private static final long IPV4_KEY = 0xffff_ffff_0000_0000L;

    private static final class Bucket {
        long tokens = MAX_TOKENS_NANOS;
        long lastNanos;
    }

    private final Clock clock;
    private final Map<Long, Bucket> buckets = new HashMap<>();

    HandshakeRateLimiter(Clock clock) {
        this.clock = clock;
    }

    boolean allow(UdpEndpoint from) {
        long now = clock.nanos();
        long key = key(from.toInetSocketAddress().getAddress());
        Bucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= MAX_SOURCES) return false;
            b = new Bucket();
            b.lastNanos = now;
            buckets.put(key, b);
        }
        b.tokens = Math.min(MAX_TOKENS_NANOS, b.tokens + (now - b.lastNanos));
        b.lastNanos = now;
        if (b.tokens < PACKET_COST_NANOS) return false;
        b.tokens -= PACKET_COST_NANOS;
        return true;
    }

    /** The IPv4 address, or the IPv6 address's /64. */
    static long key(InetAddress a) {
        byte[] b = a.getAddress();
        long k = 0;
        if (b.length == 4) {
            for (byte x : b) k = (k << 8) | (x & 0xff);
            return IPV4_KEY | k;
        }
        for (int i = 0; i < 8; i++) k = (k << 8) | (b[i] & 0xff);
        return k;
    }

    int size() {
        return buckets.size();
    }

    void expire() {
        long now = clock.nanos();
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastNanos > IDLE_NANOS) it.remove();
        }
    }
}
