package dev.dataplane.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpLiteralTest {
    @Test
    void takesDottedQuadsAndIpv6() throws Exception {
        assertArrayEquals(new byte[] {10, 42, 1, (byte) 255}, IpLiteral.parse("10.42.1.255").getAddress());
        assertEquals(InetAddress.getByName("fd00::1"), IpLiteral.parse("fd00::1"));
        assertEquals(InetAddress.getByName("fd00:42:1::"), IpLiteral.parse("FD00:42:1::"));
        assertEquals(4, IpLiteral.parse("::ffff:198.18.0.1").getAddress().length, "Java maps IPv4-mapped IPv6 to IPv4");
        assertEquals(4, IpLiteral.parse("0.0.0.0").getAddress().length);
    }

    @Test
    void refusesNamesAndOddFormsWithoutLookingThemUp() {
        for (String s : new String[] {"localhost", "example.com", "10.1", "10.0.0.1.2", "256.1.1.1", "1.2.3.04444", " 10.0.0.1",
                "10.0.0.1 ", "fe80::1%eth0", "[fd00::1]", "fd00::g", "a:b", "", "0x0a.0.0.1", "1.2.3.-4", "::1/128"}) {
            assertNull(IpLiteral.parseOrNull(s), s);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpLiteral.parse(s), s);
            assertTrue(e.getMessage().startsWith("not an IPv4 or IPv6 address"), e.getMessage());
        }
        assertNull(IpLiteral.parseOrNull(null));
    }

    @Test
    void takesAnIpv6ZoneOnlyWhereAsked() {
        assertNull(IpLiteral.parseOrNull("fe80::1%2"));
        assertEquals(2, ((java.net.Inet6Address) IpLiteral.parseScopedOrNull("fe80::1%2")).getScopeId());
        assertEquals(IpLiteral.parse("fd00::1"), IpLiteral.parseScopedOrNull("fd00::1"));
        for (String s : new String[] {"10.0.0.1%2", "fe80::1%", "fe80::1%eth 0", "localhost%1", "fe80::1%no-such-if"}) {
            assertNull(IpLiteral.parseScopedOrNull(s), s);
        }
        assertEquals("not an IPv4 or IPv6 address: \"bad??\"", assertThrows(IllegalArgumentException.class, () -> IpLiteral.parse("bad\u0000\n")).getMessage());
    }
}
