package dev.dataplane.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AllowedIpsTest {
    /** Peers are compared by identity, so the test uses plain named objects. */
    record Peer(String name) {}

    private final Peer a = new Peer("a"), b = new Peer("b"), c = new Peer("c"), d = new Peer("d");
    private final AllowedIps<Peer> table = new AllowedIps<>();

    private static byte[] ip(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static int v4(String literal) {
        return ByteBuffer.wrap(ip(literal)).getInt();
    }

    /** ::ffff:a.b.c.d as 16 bytes (InetAddress would hand back the 4-byte IPv4 form). */
    private static byte[] mapped(String v4Literal) {
        return ByteBuffer.allocate(16).putInt(8, 0xffff).putInt(12, v4(v4Literal)).array();
    }

    private Peer v6(String literal) {
        return v6(ip(literal));
    }

    private Peer v6(byte[] address) {
        ByteBuffer bb = ByteBuffer.wrap(address);
        return table.lookupV6(bb.getLong(), bb.getLong());
    }

    private List<String> prefixesOf(Peer p) {
        List<String> out = new ArrayList<>();
        table.forEach(p, (address, cidr) -> out.add(address.getHostAddress() + "/" + cidr));
        return out;
    }

    @Test
    void longestIpv4PrefixWins() {
        table.insert(ip("0.0.0.0"), 0, a);
        table.insert(ip("10.0.0.0"), 8, b);
        table.insert(ip("10.1.0.0"), 16, c);
        table.insert(ip("10.1.2.3"), 32, d);

        assertSame(d, table.lookupV4(v4("10.1.2.3")));
        assertSame(c, table.lookupV4(v4("10.1.2.4")));
        assertSame(c, table.lookupV4(v4("10.1.255.255")));
        assertSame(b, table.lookupV4(v4("10.2.0.0")));
        assertSame(b, table.lookupV4(v4("10.255.255.255")));
        assertSame(a, table.lookupV4(v4("11.0.0.0")));
        assertSame(a, table.lookupV4(v4("255.255.255.255")));
        assertSame(d, table.lookup(ip("10.1.2.3")));
        assertEquals(4, table.size());
    }

    @Test
    void longestIpv6PrefixWins() {
        table.insert(ip("::"), 0, a);
        table.insert(ip("2001:db8:1::"), 48, b);
        table.insert(ip("2001:db8:1:2::"), 64, c);
        table.insert(ip("2001:db8:1:2::99"), 128, d);

        assertSame(d, v6("2001:db8:1:2::99"));
        assertSame(c, v6("2001:db8:1:2::98"));
        assertSame(c, v6("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertSame(b, v6("2001:db8:1:3::"));
        assertSame(b, v6("2001:db8:1:ffff::1"));
        assertSame(a, v6("2001:db8:2::"));
        assertSame(a, v6("ffff::"));
        assertSame(d, table.lookup(ip("2001:db8:1:2::99")));
    }

    @Test
    void siblingPrefixesWithoutACommonOwner() {
        table.insert(ip("192.168.1.0"), 24, a);
        table.insert(ip("192.168.2.0"), 24, b);
        table.insert(ip("192.168.3.128"), 25, c);
        assertSame(a, table.lookupV4(v4("192.168.1.7")));
        assertSame(b, table.lookupV4(v4("192.168.2.7")));
        assertSame(c, table.lookupV4(v4("192.168.3.200")));
        assertNull(table.lookupV4(v4("192.168.3.7")));
        assertNull(table.lookupV4(v4("192.168.0.1")));
        assertNull(table.lookupV4(v4("1.1.1.1")));
    }

    @Test
    void emptyTableFindsNothing() {
        assertNull(table.lookupV4(0));
        assertNull(table.lookupV6(0, 0));
        assertEquals(0, table.size());
    }

    @Test
    void insertingAnExistingPrefixReplacesItsOwner() {
        table.insert(ip("10.0.0.0"), 8, a);
        table.insert(ip("10.0.0.0"), 24, c);
        table.insert(ip("10.0.0.0"), 8, b);
        assertSame(b, table.lookupV4(v4("10.9.9.9")));
        assertSame(c, table.lookupV4(v4("10.0.0.9")));
        assertEquals(List.of(), prefixesOf(a));
        assertEquals(List.of("10.0.0.0/8"), prefixesOf(b));
        assertEquals(2, table.size());

        table.insert(ip("10.0.0.0"), 8, b);
        assertEquals(2, table.size(), "same owner again changes nothing");
    }

    @Test
    void hostBitsAreMaskedOffOnInsert() {
        table.insert(ip("10.1.2.3"), 8, a);
        assertSame(a, table.lookupV4(v4("10.200.0.1")));
        assertEquals(List.of("10.0.0.0/8"), prefixesOf(a));
        table.insert(ip("10.0.0.0"), 8, b);
        assertEquals(1, table.size(), "10.1.2.3/8 and 10.0.0.0/8 are the same prefix");
        assertSame(b, table.lookupV4(v4("10.200.0.1")));

        table.insert(ip("2001:db8:aaaa:bbbb:cccc::1"), 33, c);
        assertEquals(List.of("2001:db8:8000:0:0:0:0:0/33"), prefixesOf(c));
        assertTrue(table.remove(ip("2001:db8:ffff::"), 33, c), "remove masks host bits too");
    }

    @Test
    void removeOnlyWhenOwnedByThatPeer() {
        table.insert(ip("10.0.0.0"), 8, a);
        table.insert(ip("10.1.0.0"), 16, b);
        assertFalse(table.remove(ip("10.0.0.0"), 8, b), "owned by a, not b");
        assertFalse(table.remove(ip("10.0.0.0"), 9, a), "no such prefix");
        assertFalse(table.remove(ip("::"), 0, a), "other family");
        assertSame(a, table.lookupV4(v4("10.2.0.0")));
        assertEquals(2, table.size());

        assertTrue(table.remove(ip("10.0.0.0"), 8, a));
        assertNull(table.lookupV4(v4("10.2.0.0")));
        assertSame(b, table.lookupV4(v4("10.1.0.1")), "the longer prefix below survives");
        assertFalse(table.remove(ip("10.0.0.0"), 8, a), "already gone");
        assertEquals(1, table.size());
    }

    @Test
    void removeByPeerDropsAllItsPrefixesInBothFamilies() {
        table.insert(ip("10.0.0.0"), 8, a);
        table.insert(ip("10.1.0.0"), 16, b);
        table.insert(ip("10.1.1.0"), 24, a);
        table.insert(ip("fd00::"), 8, a);
        table.insert(ip("fd00:1::"), 32, b);
        table.removeByPeer(a);

        assertNull(table.lookupV4(v4("10.2.0.0")));
        assertSame(b, table.lookupV4(v4("10.1.1.1")), "b's /16 now serves what a's /24 did");
        assertSame(b, v6("fd00:1::1"));
        assertNull(v6("fd00:2::1"));
        assertEquals(List.of(), prefixesOf(a));
        assertEquals(2, table.size());
        table.removeByPeer(c);
        assertEquals(2, table.size(), "a peer with no prefixes changes nothing");
    }

    @Test
    void familiesAreSeparate() {
        table.insert(ip("::"), 0, a);
        assertNull(table.lookupV4(v4("1.2.3.4")), "::/0 does not match IPv4");
        assertNull(table.lookup(ip("10.0.0.1")));
        table.insert(ip("0.0.0.0"), 0, b);
        assertSame(a, v6(mapped("1.2.3.4")), "an IPv4-mapped address is still IPv6");
        assertSame(b, table.lookupV4(v4("1.2.3.4")));
    }

    @Test
    void forEachListsThePeersPrefixesSorted() throws Exception {
        table.insert(ip("192.168.0.0"), 16, a);
        table.insert(ip("10.0.0.1"), 32, a);
        table.insert(ip("10.0.0.0"), 8, a);
        table.insert(ip("10.0.0.0"), 24, b);
        table.insert(ip("fd00::"), 64, a);
        table.insert(ip("::"), 0, a);
        table.insert(mapped("0.0.0.0"), 96, a);

        assertEquals(List.of("10.0.0.0/8", "10.0.0.1/32", "192.168.0.0/16",
                "0:0:0:0:0:0:0:0/0", "0:0:0:0:0:ffff:0:0/96", "fd00:0:0:0:0:0:0:0/64"), prefixesOf(a));
        List<InetAddress> v6 = new ArrayList<>();
        table.forEach(a, (address, cidr) -> { if (cidr == 96) v6.add(address); });
        assertInstanceOf(Inet6Address.class, v6.getFirst(), "IPv4-mapped prefixes stay IPv6");
    }

    @Test
    void forEachMayChangeTheTable() {
        table.insert(ip("10.0.0.0"), 8, a);
        table.insert(ip("11.0.0.0"), 8, a);
        table.forEach(a, (address, cidr) -> table.remove(address.getAddress(), cidr, a));
        assertEquals(0, table.size());
    }

    @Test
    void invalidPrefixesAreRejectedClearly() {
        var e = assertThrows(IllegalArgumentException.class, () -> table.insert(ip("10.0.0.0"), 33, a));
        assertEquals("cidr 33 is out of range for IPv4 (0..32)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> table.insert(ip("::"), 129, a));
        assertEquals("cidr 129 is out of range for IPv6 (0..128)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> table.insert(ip("10.0.0.0"), -1, a));
        assertEquals("cidr -1 is out of range for IPv4 (0..32)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> table.remove(ip("::"), -5, a));
        e = assertThrows(IllegalArgumentException.class, () -> table.insert(new byte[5], 8, a));
        assertEquals("address must be 4 (IPv4) or 16 (IPv6) bytes, got 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> table.lookup(new byte[6]));
        assertThrows(NullPointerException.class, () -> table.insert(ip("10.0.0.0"), 8, null));
        assertEquals(0, table.size());
    }

    @Test
    void edgeLengthsOfIpv6() {
        table.insert(ip("8000::"), 1, a);
        table.insert(ip("::1"), 128, b);
        table.insert(ip("0:0:0:1::"), 64, c);
        table.insert(ip("0:0:0:0:8000::"), 65, d);
        assertSame(a, v6("ffff::"));
        assertSame(b, v6("::1"));
        assertNull(v6("::2"));
        assertSame(c, v6("0:0:0:1:ffff::"));
        assertSame(d, v6("0:0:0:0:ffff::"));
        assertNull(v6("0:0:0:0:7fff::"));
    }

    /** 10,000 random routes and queries against a reference that tries every prefix length. */
    @Test
    void matchesABruteForceReference() {
        for (int bytes : new int[] {4, 16}) {
            AllowedIps<Peer> trie = new AllowedIps<>();
            Reference ref = new Reference();
            Random random = new Random(bytes * 7919L);
            Peer[] peers = new Peer[50];
            for (int i = 0; i < peers.length; i++) peers[i] = new Peer("p" + i);
            // addresses drawn near a few bases, so prefixes nest and share long runs of bits
            byte[][] bases = new byte[8][bytes];
            for (byte[] base : bases) random.nextBytes(base);

            List<Object[]> inserted = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                byte[] address = near(bases, random, bytes);
                int cidr = random.nextInt(bytes * 8 + 1);
                if (random.nextInt(10) != 0) cidr = bytes * 8 - random.nextInt(bytes * 4); // favour long prefixes
                Peer p = peers[random.nextInt(peers.length)];
                trie.insert(address, cidr, p);
                ref.insert(address, cidr, p);
                inserted.add(new Object[] {address, cidr, p});
            }
            assertEquals(ref.size(), trie.size());
            compare(trie, ref, bases, random, bytes);

            // remove a third (sometimes naming the wrong owner), then two peers entirely
            for (int i = 0; i < inserted.size(); i += 3) {
                Object[] route = inserted.get(i);
                Peer claimed = random.nextBoolean() ? (Peer) route[2] : peers[random.nextInt(peers.length)];
                assertEquals(ref.remove((byte[]) route[0], (int) route[1], claimed),
                        trie.remove((byte[]) route[0], (int) route[1], claimed));
            }
            trie.removeByPeer(peers[0]);
            ref.removeByPeer(peers[0]);
            trie.removeByPeer(peers[7]);
            ref.removeByPeer(peers[7]);
            assertEquals(ref.size(), trie.size());
            compare(trie, ref, bases, random, bytes);
        }
    }

    private static byte[] near(byte[][] bases, Random random, int bytes) {
        byte[] address = bases[random.nextInt(bases.length)].clone();
        int keep = random.nextInt(bytes + 1);
        for (int i = keep; i < bytes; i++) address[i] = (byte) random.nextInt(256);
        return address;
    }

    private static void compare(AllowedIps<Peer> trie, Reference ref, byte[][] bases, Random random, int bytes) {
        java.util.Set<Peer> answers = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            byte[] q = near(bases, random, bytes);
            Peer expected = ref.lookup(q);
            answers.add(expected);
            assertSame(expected, trie.lookup(q), () -> "lookup of " + java.util.HexFormat.of().formatHex(q));
            if (bytes == 4) assertSame(expected, trie.lookupV4(ByteBuffer.wrap(q).getInt()));
        }
        assertTrue(answers.size() > 20, "queries reach many different routes: " + answers.size());
    }

    /** The obvious implementation: a map per prefix, tried from the longest length down. */
    static final class Reference {
        private final Map<String, Peer> routes = new HashMap<>();

        private static String key(byte[] address, int cidr) {
            byte[] masked = new byte[address.length];
            for (int bit = 0; bit < cidr; bit++) masked[bit / 8] |= (byte) (address[bit / 8] & (0x80 >>> (bit % 8)));
            return java.util.HexFormat.of().formatHex(masked) + "/" + cidr;
        }

        void insert(byte[] address, int cidr, Peer p) {
            routes.put(key(address, cidr), p);
        }

        boolean remove(byte[] address, int cidr, Peer p) {
            return routes.remove(key(address, cidr), p);
        }

        void removeByPeer(Peer p) {
            routes.values().removeIf(owner -> owner == p);
        }

        Peer lookup(byte[] address) {
            for (int cidr = address.length * 8; cidr >= 0; cidr--) {
                Peer p = routes.get(key(address, cidr));
                if (p != null) return p;
            }
            return null;
        }

        int size() {
            return routes.size();
        }
    }

    @Test
    void lookupsAllocateNothing() {
        for (int i = 0; i < 256; i++) table.insert(new byte[] {10, (byte) i, 0, 0}, 16 + (i % 17), a);
        table.insert(ip("2001:db8::"), 32, b);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long sink = 0;
        for (int i = 0; i < 20_000; i++) sink += lookupBoth(i); // warm up
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 200_000; i++) sink += lookupBoth(i);
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 1024, "200k lookups allocated " + allocated + " bytes (sink " + sink + ")");
    }

    private int lookupBoth(int i) {
        Peer p4 = table.lookupV4(0x0a000000 | (i & 0xffffff));
        Peer p6 = table.lookupV6(0x20010db800000000L | (i & 0xffff), i);
        return (p4 == null ? 0 : 1) + (p6 == null ? 0 : 2);
    }

    /** Readers never see a torn update: stable routes always resolve while a writer churns others. */
    @Test
    void lookupsStayConsistentDuringWrites() throws Exception {
        table.insert(ip("0.0.0.0"), 0, a);
        table.insert(ip("172.16.5.5"), 32, b);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(Thread.ofPlatform().start(() -> {
                int stableDefault = v4("8.8.8.8"), stableHost = v4("172.16.5.5");
                while (!stop.get() && failure.get() == null) {
                    if (table.lookupV4(stableDefault) != a) failure.set("default route lost");
                    if (table.lookupV4(stableHost) != b) failure.set("host route lost");
                    Peer churned = table.lookupV4(v4("172.16.5.6"));
                    if (churned != a && churned != c) failure.set("unexpected owner " + churned);
                }
            }));
        }
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            byte[] address = {(byte) 172, 16, (byte) random.nextInt(8), (byte) random.nextInt(256)};
            int cidr = 16 + random.nextInt(17);
            if (cidr == 32 && address[2] == 5 && address[3] == 5) continue; // leave b's route alone
            if (random.nextBoolean()) table.insert(address, cidr, c);
            else table.remove(address, cidr, c);
        }
        table.removeByPeer(c);
        stop.set(true);
        for (Thread t : readers) t.join();
        assertNull(failure.get(), failure.get());
        assertEquals(2, table.size());
    }
}
