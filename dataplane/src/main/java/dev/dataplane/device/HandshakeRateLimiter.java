package dev.dataplane.device;

import dev.dataplane.tun.UdpEndpoint;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Token buckets per source IP for handshakes under load, like wireguard-go's ratelimiter: 20 per second
 * with a burst of 5. Control thread only; idle buckets are swept once a second.
 */
final class HandshakeRateLimiter {
    private static final long PACKET_COST_NANOS = 1_000_000_000L / 20;
    private static final long MAX_TOKENS_NANOS = PACKET_COST_NANOS * 5;
    private static final long IDLE_NANOS = 1_000_000_000L;

    private static final class Bucket {
        long tokens = MAX_TOKENS_NANOS;
        long lastNanos;
    }

    private final Clock clock;
    private final Map<InetAddress, Bucket> buckets = new HashMap<>();

    HandshakeRateLimiter(Clock clock) {
        this.clock = clock;
    }

    boolean allow(UdpEndpoint from) {
        long now = clock.nanos();
        Bucket b = buckets.computeIfAbsent(from.toInetSocketAddress().getAddress(), k -> {
            Bucket fresh = new Bucket();
            fresh.lastNanos = now;
            return fresh;
        });
        b.tokens = Math.min(MAX_TOKENS_NANOS, b.tokens + (now - b.lastNanos));
        b.lastNanos = now;
        if (b.tokens < PACKET_COST_NANOS) return false;
        b.tokens -= PACKET_COST_NANOS;
        return true;
    }

    void expire() {
        long now = clock.nanos();
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastNanos > IDLE_NANOS) it.remove();
        }
    }
}
