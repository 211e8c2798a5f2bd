package dev.dataplane.device;

import dev.dataplane.tun.UdpEndpoint;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeRateLimiterTest {
    private final ManualClock clock = new ManualClock();
    private final HandshakeRateLimiter limiter = new HandshakeRateLimiter(clock);

    private static UdpEndpoint from(String address, int port) throws Exception {
        return new UdpEndpoint(new InetSocketAddress(InetAddress.getByName(address), port));
    }

    @Test
    void allowsABurstOfFiveThenTwentyPerSecondPerSource() throws Exception {
        for (int i = 0; i < 5; i++) assertTrue(limiter.allow(from("198.18.0.7", 1000 + i)), "burst " + i);
        assertFalse(limiter.allow(from("198.18.0.7", 2000)), "the port does not make a new source");
        assertTrue(limiter.allow(from("198.18.0.8", 1000)), "another address has its own bucket");
        clock.advanceSeconds(0.05);
        assertTrue(limiter.allow(from("198.18.0.7", 1000)), "one more after 1/20 s");
        assertFalse(limiter.allow(from("198.18.0.7", 1000)));
    }

    @Test
    void anIpv6SlashSixtyFourIsOneSource() throws Exception {
        for (int i = 1; i <= 5; i++) assertTrue(limiter.allow(from("fd00:18::" + Integer.toHexString(i), 1)));
        assertFalse(limiter.allow(from("fd00:18::ffff:1234", 1)), "a new address in the same /64 shares the bucket");
        assertTrue(limiter.allow(from("fd00:18:0:1::1", 1)), "the next /64 is another source");
        assertEquals(2, limiter.size());
    }

    @Test
    void aFloodFromManySourcesCannotGrowTheTableBeyondItsCap() throws Exception {
        int refused = 0;
        for (int i = 0; i < HandshakeRateLimiter.MAX_SOURCES + 1000; i++) {
            String v6 = String.format("fd00:%x:%x::1", (i >>> 16) & 0xffff, i & 0xffff);
            if (!limiter.allow(from(v6, 1))) refused++;
        }
        assertEquals(HandshakeRateLimiter.MAX_SOURCES, limiter.size());
        assertEquals(1000, refused, "new sources beyond the cap are refused");
        clock.advanceSeconds(2);
        limiter.expire();
        assertEquals(0, limiter.size(), "idle buckets go");
        assertTrue(limiter.allow(from("198.18.0.9", 1)));
    }
}
