package dev.dataplane.flannel;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlannelEnvTest {
    @Test
    void dualStackLease() {
        FlannelEnv e = FlannelEnv.from(Map.of("NETWORK", "10.42.0.0/16", "SUBNET", "10.42.1.0/24", "IPV6SUBNET", "fd00:42:0:1::/64",
                "PUBLIC_IP", "198.18.0.1", "PUBLIC_IPV6", "fd00:198::1"));
        assertEquals("10.42.1.0/32", e.subnet().orElseThrow().hostAddress());
        assertEquals("fd00:42:0:1::/128", e.ipv6Subnet().orElseThrow().hostAddress());
        assertEquals("198.18.0.1", e.publicAddress().orElseThrow().getHostAddress());
    }

    @Test
    void flannelsZeroValuesMeanAbsent() {
        // an IPv6-only node as flannel prints its lease: the IPv4 fields are zero or <nil>
        FlannelEnv e = FlannelEnv.from(Map.of("SUBNET", "0.0.0.0/0", "IPV6SUBNET", "fd00:42:0:2::/64",
                "PUBLIC_IP", "0.0.0.0", "PUBLIC_IPV6", "fd00:198::2", "NETWORK", "<nil>"));
        assertEquals(Optional.empty(), e.subnet());
        assertEquals(Optional.empty(), e.network());
        assertEquals(Optional.empty(), e.publicIp());
        assertEquals("fd00:198:0:0:0:0:0:2", e.publicAddress().orElseThrow().getHostAddress());
        assertTrue(e.hasSubnet());
        assertFalse(FlannelEnv.from(Map.of("IPV6SUBNET", "")).hasSubnet());
    }

    @Test
    void garbageIsAnErrorNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FlannelEnv.from(Map.of("SUBNET", "10.42.1.0/33")));
        assertTrue(e.getMessage().startsWith("SUBNET=10.42.1.0/33"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FlannelEnv.from(Map.of("PUBLIC_IP", "example.com")));
        assertThrows(IllegalArgumentException.class, () -> FlannelEnv.from(Map.of("SUBNET", "10.42.1.0")));
    }
}
