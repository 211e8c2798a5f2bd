package dev.dataplane.tun;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpEndpointTest {

    private static InetSocketAddress at(String host, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Test
    void printsLikeWg() throws Exception {
        assertEquals("1.2.3.4:51820", new UdpEndpoint(at("1.2.3.4", 51820)).toString());
        assertEquals("[fd00::1]:51820", new UdpEndpoint(at("fd00::1", 51820)).toString());
        assertEquals("[fd00:1::2:0:0:3]:7", new UdpEndpoint(at("fd00:1:0:0:2:0:0:3", 7)).toString());
        assertEquals("[::]:9", new UdpEndpoint(at("::", 9)).toString());
    }

    @Test
    void mappedAddressesAreIpv4() throws Exception {
        UdpEndpoint mapped = new UdpEndpoint(new InetSocketAddress(
                InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 0, 0, 1}), 5));
        assertFalse(mapped.isIpv6());
        assertEquals(new UdpEndpoint(at("10.0.0.1", 5)), mapped);
        assertEquals(new UdpEndpoint(at("10.0.0.1", 5)).hashCode(), mapped.hashCode());
    }

    @Test
    void equalityCopyAndRoundTrip() throws Exception {
        UdpEndpoint a = new UdpEndpoint(at("fd00::7", 1000));
        UdpEndpoint b = new UdpEndpoint().copyFrom(a);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new UdpEndpoint(at("fd00::7", 1001)));
        assertNotEquals(new UdpEndpoint(at("10.0.0.1", 1)), new UdpEndpoint(at("10.0.0.2", 1)));
        assertEquals(at("fd00::7", 1000), a.toInetSocketAddress());
        assertEquals(at("10.1.2.3", 4), new UdpEndpoint(at("10.1.2.3", 4)).toInetSocketAddress());
    }

    @Test
    void sockaddrRoundTripsForBothSocketFamilies() throws Exception {
        UnsafeBuffer b = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        for (String host : new String[] {"198.18.0.1", "fd00::1:2"}) {
            UdpEndpoint e = new UdpEndpoint(at(host, 51820));
            for (boolean v6Socket : new boolean[] {true, false}) {
                if (e.isIpv6() && !v6Socket) continue;
                int len = e.writeSockaddr(b, 0, v6Socket);
                assertEquals(v6Socket ? 28 : 16, len);
                UdpEndpoint back = new UdpEndpoint();
                back.readSockaddr(b, 0);
                assertEquals(e, back, host + " via " + (v6Socket ? "AF_INET6" : "AF_INET"));
            }
        }
        new UdpEndpoint(at("198.18.0.1", 1)).writeSockaddr(b, 0, true);
        assertEquals((short) 10, b.getShort(0), "AF_INET6");
        assertTrue(b.getShort(18) == -1 && b.getByte(20) == (byte) 198, "::ffff:198.18.0.1");
    }
}
