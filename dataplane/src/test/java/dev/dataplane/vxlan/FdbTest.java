package dev.dataplane.vxlan;

import dev.dataplane.tun.UdpEndpoint;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FdbTest {
    private static final long A = 0x0a0000000001L, B = 0x0a0000000002L;
    private static final long SECOND = 1_000_000_000L;

    private static Vtep vtep(String ip) throws Exception {
        return new Vtep(InetAddress.getByName(ip), 8472, 1);
    }

    private static UdpEndpoint from(String ip, int port) throws Exception {
        return new UdpEndpoint(new InetSocketAddress(InetAddress.getByName(ip), port));
    }

    @Test
    void unicastEntriesAndTheDefault() throws Exception {
        Fdb fdb = new Fdb();
        assertNull(fdb.route(A), "empty: no VTEP");
        fdb.add(A, vtep("198.18.0.1"), FdbEntry.State.PERMANENT, 0);
        assertEquals(vtep("198.18.0.1"), fdb.route(A).vteps().getFirst());
        assertNull(fdb.route(B), "no default yet");
        fdb.append(Fdb.ZERO, vtep("198.18.0.9"), FdbEntry.State.PERMANENT, 0);
        assertEquals(vtep("198.18.0.9"), fdb.route(B).vteps().getFirst(), "unknown MAC takes the all-zero entry");
        assertEquals(vtep("198.18.0.1"), fdb.route(A).vteps().getFirst(), "a known MAC its own");
        Fdb.FdbException e = assertThrows(Fdb.FdbException.class, () -> fdb.add(A, vtep("198.18.0.2"), FdbEntry.State.PERMANENT, 0));
        assertEquals(17, e.errno);
        fdb.replace(A, vtep("198.18.0.2"), FdbEntry.State.STATIC, 0);
        assertEquals(vtep("198.18.0.2"), fdb.route(A).vteps().getFirst());
        assertEquals(FdbEntry.State.STATIC, fdb.lookup(A).state());
    }

    @Test
    void appendFloodsAndDeleteRemovesOneVtepOrAll() throws Exception {
        Fdb fdb = new Fdb();
        fdb.append(Fdb.ZERO, vtep("198.18.0.1"), FdbEntry.State.PERMANENT, 0);
        fdb.append(Fdb.ZERO, vtep("198.18.0.2"), FdbEntry.State.PERMANENT, 0);
        fdb.append(Fdb.ZERO, vtep("fd00::3"), FdbEntry.State.PERMANENT, 0);
        assertEquals(3, fdb.lookup(Fdb.ZERO).vteps().size());
        assertThrows(Fdb.FdbException.class, () -> fdb.append(Fdb.ZERO, vtep("198.18.0.2"), FdbEntry.State.PERMANENT, 0));
        fdb.delete(Fdb.ZERO, vtep("198.18.0.2"));
        assertEquals(2, fdb.lookup(Fdb.ZERO).vteps().size());
        assertEquals(2, assertThrows(Fdb.FdbException.class, () -> fdb.delete(Fdb.ZERO, vtep("198.18.0.2"))).errno);
        fdb.delete(Fdb.ZERO, null);
        assertNull(fdb.lookup(Fdb.ZERO));
        assertEquals(2, assertThrows(Fdb.FdbException.class, () -> fdb.delete(Fdb.ZERO, null)).errno);
    }

    @Test
    void learnsRefreshesMovesAndAges() throws Exception {
        Fdb fdb = new Fdb();
        fdb.learn(A, from("198.18.0.1", 40000), 8472, 1, 0);
        FdbEntry learned = fdb.lookup(A);
        assertEquals(FdbEntry.State.DYNAMIC, learned.state());
        assertEquals(vtep("198.18.0.1"), learned.vteps().getFirst(), "learned with the device's port, not the source port");
        fdb.learn(A, from("198.18.0.1", 40001), 8472, 1, 2 * SECOND);
        assertSame(learned, fdb.lookup(A), "another flow from the same VTEP only refreshes");
        assertEquals(0, fdb.expire(200 * SECOND, 300 * SECOND), "seen at 2 s: not yet aged at 200 s");
        fdb.learn(A, from("198.18.0.7", 40000), 8472, 1, 3 * SECOND);
        assertEquals(vtep("198.18.0.7"), fdb.lookup(A).vteps().getFirst(), "a MAC that moved follows");
        assertEquals(1, fdb.expire(303 * SECOND, 300 * SECOND));
        assertNull(fdb.lookup(A));
    }

    @Test
    void neverLearnsOverConfiguredEntriesAndCapsLearning() throws Exception {
        Fdb fdb = new Fdb();
        fdb.add(A, vtep("198.18.0.1"), FdbEntry.State.PERMANENT, 0);
        fdb.learn(A, from("198.18.0.66", 1), 8472, 1, 0);
        assertEquals(vtep("198.18.0.1"), fdb.lookup(A).vteps().getFirst(), "a configured entry does not move");
        assertEquals(0, fdb.expire(Long.MAX_VALUE / 2, SECOND), "nor age");
        for (long mac = 1; mac <= Fdb.MAX_LEARNED + 100; mac++) fdb.learn(0x0200_0000_0000L | mac, from("198.18.0.2", 1), 8472, 1, 0);
        assertEquals(Fdb.MAX_LEARNED + 1, fdb.size(), "learned entries stop at the cap; the configured one stays");
        fdb.flush(true);
        assertEquals(1, fdb.size());
    }

    @Test
    void entriesPrintAsBridgeFdbShowDoes() throws Exception {
        Fdb fdb = new Fdb();
        fdb.append(Fdb.ZERO, vtep("198.18.0.1"), FdbEntry.State.PERMANENT, 0);
        fdb.add(A, new Vtep(InetAddress.getByName("fd00::2"), 4789, 5), FdbEntry.State.STATIC, 0);
        fdb.learn(B, from("198.18.0.3", 1), 8472, 1, 0);
        StringBuilder out = new StringBuilder();
        for (FdbEntry e : fdb.entries()) e.print(out, "flannel.1", 8472, 1);
        assertEquals("""
                00:00:00:00:00:00 dev flannel.1 dst 198.18.0.1 self permanent
                0a:00:00:00:00:01 dev flannel.1 dst fd00::2 port 4789 vni 5 self static
                0a:00:00:00:00:02 dev flannel.1 dst 198.18.0.3 self
                """, out.toString());
        assertTrue(fdb.entries().getFirst().mac() == Fdb.ZERO);
    }
}
