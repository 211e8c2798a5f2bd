package dev.dataplane.encap.vxlan;

import dev.dataplane.encap.ethernet.EthernetFrame;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VxlanHeaderTest {
    private static UnsafeBuffer hex(String s) {
        return new UnsafeBuffer(HexFormat.of().parseHex(s));
    }

    @Test
    void writesRfc7348Layout() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[8]);
        VxlanHeader.write(b, 0, 1);
        assertArrayEquals(HexFormat.of().parseHex("0800000000000100"), b.byteArray(), "flags I, VNI 1 (flannel's)");
        VxlanHeader.write(b, 0, 0xabcdef);
        assertArrayEquals(HexFormat.of().parseHex("08000000abcdef00"), b.byteArray());
        assertEquals(0xabcdef, VxlanHeader.vni(b, 0));
    }

    @Test
    void checksAsTheKernelDoes() {
        assertEquals(VxlanHeader.OK, VxlanHeader.check(hex("0800000000000100"), 0, 8, false));
        assertEquals(VxlanHeader.TRUNCATED, VxlanHeader.check(hex("08000000000001"), 0, 7, false));
        assertEquals(VxlanHeader.BAD_FLAGS, VxlanHeader.check(hex("0000000000000100"), 0, 8, false), "I flag missing");
        assertEquals(VxlanHeader.BAD_FLAGS, VxlanHeader.check(hex("0c00000000000100"), 0, 8, false), "a reserved flag");
        assertEquals(VxlanHeader.BAD_FLAGS, VxlanHeader.check(hex("0800000100000100"), 0, 8, false), "reserved bits after the flags");
        assertEquals(VxlanHeader.BAD_FLAGS, VxlanHeader.check(hex("0800000000000101"), 0, 8, false), "reserved byte after the VNI");
        assertEquals(VxlanHeader.BAD_FLAGS, VxlanHeader.check(hex("8848123400000100"), 0, 8, false), "GBP when it is off");
    }

    @Test
    void readsAndWritesGroupBasedPolicy() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[8]);
        VxlanHeader.writeGbp(b, 0, 7, 0x1234, true, true);
        assertArrayEquals(HexFormat.of().parseHex("8848123400000700"), b.byteArray(), "G|I, D|A, group 0x1234, VNI 7");
        assertEquals(VxlanHeader.OK, VxlanHeader.check(b, 0, 8, true));
        assertTrue(VxlanHeader.dontLearn(b, 0));
        assertEquals(0x1234, VxlanHeader.groupPolicyId(b, 0));
        VxlanHeader.writeGbp(b, 0, 7, 0, false, false);
        assertArrayEquals(HexFormat.of().parseHex("0800000000000700"), b.byteArray(), "group 0 goes as a plain header, like the kernel's");
        assertFalse(VxlanHeader.dontLearn(b, 0));
        assertEquals(VxlanHeader.BAD_FLAGS, VxlanHeader.check(hex("8880000000000700"), 0, 8, true), "an undefined GBP bit");
    }

    @Test
    void neverThrowsOnRandomHeaders() {
        Random r = new Random(42);
        UnsafeBuffer b = new UnsafeBuffer(new byte[16]);
        for (int i = 0; i < 100_000; i++) {
            r.nextBytes(b.byteArray());
            int len = r.nextInt(17);
            int c = VxlanHeader.check(b, 0, len, r.nextBoolean());
            assertTrue(c == VxlanHeader.OK || c == VxlanHeader.TRUNCATED || c == VxlanHeader.BAD_FLAGS);
            if (len < 8) assertEquals(VxlanHeader.TRUNCATED, c);
        }
    }

    @Test
    void macAddresses() {
        UnsafeBuffer f = hex("ffffffffffff0a1b2c3d4e5f0806");
        assertEquals(EthernetFrame.BROADCAST, EthernetFrame.destination(f, 0));
        assertEquals(0x0a1b2c3d4e5fL, EthernetFrame.source(f, 0));
        assertEquals(EthernetFrame.ETHERTYPE_ARP, EthernetFrame.etherType(f, 0));
        assertTrue(EthernetFrame.isMulticast(EthernetFrame.BROADCAST));
        assertTrue(EthernetFrame.isMulticast(0x3333_0000_0001L), "IPv6 multicast");
        assertFalse(EthernetFrame.isMulticast(0x0a1b2c3d4e5fL));
        assertEquals("0a:1b:2c:3d:4e:5f", EthernetFrame.format(0x0a1b2c3d4e5fL));
        assertEquals(0x0a1b2c3d4e5fL, EthernetFrame.parse("0A-1b-2c-3d-4e-5f"));
        for (String bad : new String[] {"", "0a:1b:2c:3d:4e", "0a:1b:2c:3d:4e:5f:60", "0a:1b:2c:3d:4e:5g", "0a:1b:2c:3d:4e:", "123:1b:2c:3d:4e:5f"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EthernetFrame.parse(bad), bad);
            assertTrue(e.getMessage().contains("not a MAC address"));
        }
    }
}
