package dev.dataplane.vxlan;

import dev.dataplane.encap.ethernet.EthernetFrame;
import dev.dataplane.tun.UdpEndpoint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The forwarding database of a VXLAN device, like the kernel's: MAC → VTEPs, an all-zero MAC entry for frames
 * with no entry of their own (flooded to each of its VTEPs), learned entries that age out.
 *
 * <p>Threads: the send thread looks up on every frame, so reads take no lock and allocate nothing — they see an
 * immutable open-addressing table through one volatile read. Changes (the control socket, learning by the
 * receive thread, ageing) are rare: they copy the table under a lock and publish the copy.
 */
public final class Fdb {
    public static final long ZERO = 0;
    /** Learned entries kept at most, so a flood of forged source MACs cannot grow the table without bound. */
    public static final int MAX_LEARNED = 16384;
    /** How often a refreshed learned entry records it was seen: the receive thread writes at most this often. */
    private static final long SEEN_RESOLUTION_NANOS = 1_000_000_000L;

    private volatile Table table = Table.EMPTY;
    private int learned;

    /** The entry for {@code mac}, or null; any thread, no allocation. */
    public FdbEntry lookup(long mac) {
        return table.get(mac);
    }

    /** The entry a frame to {@code mac} takes: its own, else the all-zero default, else null (no VTEP). */
    public FdbEntry route(long mac) {
        Table t = table;
        FdbEntry e = mac == ZERO ? null : t.get(mac);
        return e != null ? e : t.get(ZERO);
    }

    public int size() {
        return table.size;
    }

    /** `bridge fdb add`: a new entry; refuses one that exists (EEXIST), as the kernel does. */
    public synchronized void add(long mac, Vtep vtep, FdbEntry.State state, long now) {
        if (table.get(mac) != null) throw new FdbException(17, "entry exists for " + EthernetFrame.format(mac) + " (use replace or append)");
        put(new FdbEntry(mac, List.of(vtep), state, new FdbEntry.Seen(now)));
    }

    /** `bridge fdb replace`: sets the entry to this one VTEP, creating it if needed. */
    public synchronized void replace(long mac, Vtep vtep, FdbEntry.State state, long now) {
        put(new FdbEntry(mac, List.of(vtep), state, new FdbEntry.Seen(now)));
    }

    /** `bridge fdb append`: adds a VTEP to the entry (flooding to several, for the all-zero entry). */
    public synchronized void append(long mac, Vtep vtep, FdbEntry.State state, long now) {
        FdbEntry old = table.get(mac);
        if (old == null) {
            put(new FdbEntry(mac, List.of(vtep), state, new FdbEntry.Seen(now)));
            return;
        }
        if (old.vteps().contains(vtep)) throw new FdbException(17, "entry exists: " + EthernetFrame.format(mac) + " dst " + vtep.address().getHostAddress());
        List<Vtep> vteps = new ArrayList<>(old.vteps());
        vteps.add(vtep);
        put(new FdbEntry(mac, vteps, old.state(), old.seen()));
    }

    /** `bridge fdb del`: the whole entry, or only {@code vtep} from it if given; ENOENT if there is none. */
    public synchronized void delete(long mac, Vtep vtepOrNull) {
        FdbEntry old = table.get(mac);
        String what = EthernetFrame.format(mac);
        if (old == null) throw new FdbException(2, "no entry for " + what);
        if (vtepOrNull == null || old.vteps().size() == 1 && old.vteps().contains(vtepOrNull)) {
            remove(mac);
            return;
        }
        if (!old.vteps().contains(vtepOrNull)) throw new FdbException(2, "no entry for " + what + " dst " + vtepOrNull.address().getHostAddress());
        List<Vtep> vteps = new ArrayList<>(old.vteps());
        vteps.remove(vtepOrNull);
        put(new FdbEntry(mac, vteps, old.state(), old.seen()));
    }

    /**
     * A frame from {@code mac} arrived from {@code source} (receive thread, learning on). Refreshes a learned
     * entry, moves one that changed VTEP, creates one that is new, sending to the device's {@code port} and
     * {@code vni} (a peer's source port differs per flow); never touches a configured entry, as the kernel's
     * vxlan_snoop does not. Allocates only when the table changes.
     */
    public void learn(long mac, UdpEndpoint source, int port, int vni, long now) {
        FdbEntry e = table.get(mac);
        if (e != null && (!e.ages() || e.vteps().size() == 1 && e.vteps().getFirst().endpoint().sameAddress(source))) {
            if (e.ages() && now - e.seen().nanos >= SEEN_RESOLUTION_NANOS) e.seen().nanos = now;
            return;
        }
        synchronized (this) {
            if (table.get(mac) != e) return;   // changed meanwhile: the next frame looks again
            if (e == null && learned >= MAX_LEARNED) return;
            Vtep vtep = new Vtep(source.toInetSocketAddress().getAddress(), port, vni);
            put(new FdbEntry(mac, List.of(vtep), FdbEntry.State.DYNAMIC, new FdbEntry.Seen(now)));
        }
    }

    /** Removes dynamic entries not seen for {@code ageingNanos}; returns how many went (control thread). */
    public synchronized int expire(long now, long ageingNanos) {
        int removed = 0;
        for (FdbEntry e : table.entries()) {
            if (e.ages() && now - e.seen().nanos >= ageingNanos) {
                remove(e.mac());
                removed++;
            }
        }
        return removed;
    }

    /** Every entry, default first, then by MAC. */
    public List<FdbEntry> entries() {
        List<FdbEntry> all = new ArrayList<>(table.entries());
        all.sort(Comparator.comparingLong(FdbEntry::mac));
        return all;
    }

    /** `bridge fdb flush`: removes every entry; with {@code dynamicOnly} the learned ones only. */
    public synchronized void flush(boolean dynamicOnly) {
        for (FdbEntry e : table.entries()) if (!dynamicOnly || e.ages()) remove(e.mac());
    }

    private void put(FdbEntry e) {
        FdbEntry old = table.get(e.mac());
        if (old != null && old.ages()) learned--;
        if (e.ages()) learned++;
        table = table.with(e);
    }

    private void remove(long mac) {
        FdbEntry old = table.get(mac);
        if (old == null) return;
        if (old.ages()) learned--;
        table = table.without(mac);
    }

    /** Refused change, with the errno `bridge` would report. */
    public static final class FdbException extends RuntimeException {
        public final int errno;

        FdbException(int errno, String message) {
            super(message);
            this.errno = errno;
        }
    }

    /** Open addressing on the MAC, linear probing, at most half full; never changed once published. */
    private static final class Table {
        static final Table EMPTY = new Table(new long[8], new FdbEntry[8], 0);
        final long[] keys;
        final FdbEntry[] values;
        final int size;

        Table(long[] keys, FdbEntry[] values, int size) {
            this.keys = keys;
            this.values = values;
            this.size = size;
        }

        FdbEntry get(long mac) {
            int mask = keys.length - 1;
            for (int i = hash(mac) & mask; ; i = (i + 1) & mask) {
                FdbEntry v = values[i];
                if (v == null) return null;
                if (keys[i] == mac) return v;
            }
        }

        List<FdbEntry> entries() {
            List<FdbEntry> out = new ArrayList<>(size);
            for (FdbEntry v : values) if (v != null) out.add(v);
            return out;
        }

        Table with(FdbEntry e) {
            List<FdbEntry> all = entries();
            all.removeIf(v -> v.mac() == e.mac());
            all.add(e);
            return of(all);
        }

        Table without(long mac) {
            List<FdbEntry> all = entries();
            all.removeIf(v -> v.mac() == mac);
            return of(all);
        }

        static Table of(List<FdbEntry> all) {
            int cap = 8;
            while (cap < all.size() * 2 + 2) cap <<= 1;
            long[] keys = new long[cap];
            FdbEntry[] values = new FdbEntry[cap];
            for (FdbEntry e : all) {
                int i = hash(e.mac()) & (cap - 1);
                while (values[i] != null) i = (i + 1) & (cap - 1);
                keys[i] = e.mac();
                values[i] = e;
            }
            return new Table(keys, values, all.size());
        }

        private static int hash(long mac) {
            long h = mac * 0x9E3779B97F4A7C15L;
            return (int) (h >>> 32);
        }
    }
}
