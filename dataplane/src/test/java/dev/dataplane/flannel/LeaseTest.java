package dev.dataplane.flannel;

import dev.dataplane.net.IpLiteral;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** flannel's lease keys and values, its network config defaults, and the address text they use. */
class LeaseTest {
    @Test
    void readsAndWritesALeaseAsFlanneldDoes() {
        String value = "{\"PublicIP\":\"198.18.0.3\",\"PublicIPv6\":null,\"BackendType\":\"wireguard\","
                + "\"BackendData\":{\"PublicKey\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"Port\":51820}}";
        Lease l = Lease.parse("/coreos.com/network/subnets/10.42.3.0-24&fd00:42:0:3::-64", value);
        assertEquals("10.42.3.0/24", l.subnet().toString());
        assertEquals("fd00:42:0:3::/64", l.ipv6Subnet().toString());
        assertNull(l.publicIpv6());
        assertEquals("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", l.publicKey());
        assertEquals(51820, l.port(1));
        assertEquals("10.42.3.0-24&fd00:42:0:3::-64", l.keyName());
        assertEquals(value, l.toJson());
        assertEquals(Lease.parse("10.42.3.0-24", value).ipv6Subnet(), null);
        assertThrows(IllegalArgumentException.class, () -> Lease.parse("10.42.3.0", value));
        assertThrows(IllegalArgumentException.class, () -> Lease.parse("10.42.3.0-24", "{\"PublicIP\":7}"));
        assertThrows(IllegalArgumentException.class, () -> Lease.parse("10.42.3.0-24", "not json"));
    }

    @Test
    void ipv6TextIsTheShortestForm() {
        assertEquals("fd00:42::", IpNet.text(IpLiteral.parse("fd00:42:0:0:0:0:0:0")));
        assertEquals("fd00:0:1::1", IpNet.text(IpLiteral.parse("fd00:0:1:0:0:0:0:1")));
        assertEquals("::", IpNet.text(IpLiteral.parse("::")));
        assertEquals("1:0:2::3", IpNet.text(IpLiteral.parse("1:0:2:0:0:0:0:3")));
        assertEquals("fd00:1:2:3:4:5:6:7", IpNet.text(IpLiteral.parse("fd00:1:2:3:4:5:6:7")));
    }

    @Test
    void networkConfigDefaultsAreFlannels() {
        NetworkConfig c = NetworkConfig.parse("{\"Network\":\"10.42.0.0/16\",\"EnableIPv6\":true,\"IPv6Network\":\"fd00:42::/56\","
                + "\"Backend\":{\"Type\":\"wireguard\",\"ListenPort\":51830}}");
        assertEquals(24, c.subnetLen());
        assertEquals("10.42.1.0", IpNet.of(c.subnetMin(), false, 24).ip());
        assertEquals("10.42.255.0", IpNet.of(c.subnetMax(), false, 24).ip());
        assertEquals(64, c.ipv6SubnetLen());
        assertEquals("fd00:42:0:1::", IpNet.of(c.ipv6SubnetMin(), true, 64).ip());
        assertEquals("fd00:42:0:ff::", IpNet.of(c.ipv6SubnetMax(), true, 64).ip());
        assertEquals("wireguard", c.backendType());
        assertEquals(51830, c.backendNumber("ListenPort", 1));
        assertEquals(26, NetworkConfig.parse("{\"Network\":\"10.1.2.0/24\"}").subnetLen());
        assertEquals(BigInteger.valueOf(0x0a2a0a00L), NetworkConfig.parse("{\"Network\":\"10.42.0.0/16\",\"SubnetMin\":\"10.42.10.0\"}").subnetMin());
    }

    @Test
    void badNetworkConfigsSayWhy() {
        for (String bad : new String[] {"{}", "{\"Network\":\"10.42.0.0\"}", "{\"Network\":\"10.42.0.1/16\"}", "{\"Network\":\"10.0.0.0/30\"}",
                "{\"Network\":\"10.42.0.0/16\",\"SubnetLen\":17}", "{\"Network\":\"10.42.0.0/16\",\"SubnetMin\":\"10.43.0.0\"}",
                "{\"Network\":\"10.42.0.0/16\",\"SubnetMin\":\"10.42.0.7\"}", "{\"Network\":\"fd00::/56\"}",
                "{\"Network\":\"10.42.0.0/16\",\"EnableIPv6\":true}", "{\"Network\":\"10.42.0.0/16\",\"SubnetLen\":\"24\"}", "[]"}) {
            assertThrows(IllegalArgumentException.class, () -> NetworkConfig.parse(bad), bad);
        }
    }
}
