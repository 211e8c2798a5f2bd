package dev.dataplane.vxlan;

import dev.dataplane.encap.ethernet.EthernetFrame;
import dev.dataplane.tun.UdpEndpoint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The forwarding database of a VXLAN device, like the kernel's: MAC → VTEPs, an all-zero MAC entry for frames
 * with no entry of their own (flooded to each of its VTEPs), dynamic (learned) entries that age out.
 *
 * <p>Threads: the send thread looks up on every frame, so reads take no lock and allocate nothing. Configured
 * entries (permanent, static) change rarely, through the control socket: they live in an immutable table that
 * each change copies and publishes. Dynamic entries may arrive at the rate of received frames (learning), so
 * they live in a fixed-size open-addressing array written in place, one writer at a time under the lock.
 */
public final class Fdb {
    public static final long ZERO = 0;
    /** Dynamic entries kept at most, so a flood of forged source MACs cannot grow the table without bound. */
    public static final int MAX_LEARNED = 16384;
    /** How often a refreshed learned entry records it was seen: the receive thread writes at most this often. */
    private static final long SEEN_RESOLUTION_NANOS = 1_000_000_000L;

    private volatile Configured configured = Configured.EMPTY;
    private volatile Dynamic dynamic = new Dynamic();

    /** The entry for {@code mac}, or null; any thread, no allocation. */
    public FdbEntry lookup(long mac) {
        FdbEntry e = configured.get(mac);
        return e != null ? e : dynamic.get(mac);
    }

    /** The entry a frame to {@code mac} takes: its own, else the all-zero default, else null (no VTEP). */
    public FdbEntry route(long mac) {
        FdbEntry e = mac == ZERO ? null : lookup(mac);
        return e != null ? e : lookup(ZERO);
    }

    public int size() {
        return configured.size + dynamic.live;
    }

    /** `bridge fdb add`: a new entry; refuses one that exists (EEXIST), as the kernel does. */
    public synchronized void add(long mac, Vtep vtep, FdbEntry.State state, long now) {
        if (lookup(mac) != null) throw new FdbException(17, "entry exists for " + EthernetFrame.format(mac) + " (use replace or append)");
        put(new FdbEntry(mac, List.of(vtep), state, new FdbEntry.Seen(now)));
    }

    /** `bridge fdb replace`: sets the entry to this one VTEP, creating it if needed. */
    public synchronized void replace(long mac, Vtep vtep, FdbEntry.State state, long now) {
        put(new FdbEntry(mac, List.of(vtep), state, new FdbEntry.Seen(now)));
    }

    /** `bridge fdb append`: adds a VTEP to the entry (flooding to several, for the all-zero entry). */
    public synchronized void append(long mac, Vtep vtep, FdbEntry.State state, long now) {
        FdbEntry old = lookup(mac);
        if (old == null) {
            put(new FdbEntry(mac, List.of(vtep), state, new FdbEntry.Seen(now)));
            return;
        }
        if (old.vteps().contains(vtep)) {
            throw new FdbException(17, "entry exists: " + EthernetFrame.format(mac) + " dst " + vtep.endpoint().hostString());
        }
        List<Vtep> vteps = new ArrayList<>(old.vteps());
        vteps.add(vtep);
        put(new FdbEntry(mac, vteps, old.state(), old.seen()));
    }

    /** `bridge fdb del`: the whole entry, or only {@code vtepOrNull} from it if given; ENOENT if there is none. */
    public synchronized void delete(long mac, Vtep vtepOrNull) {
        FdbEntry old = lookup(mac);
        String what = EthernetFrame.format(mac);
        if (old == null) throw new FdbException(2, "no entry for " + what);
        if (vtepOrNull == null || old.vteps().size() == 1 && old.vteps().contains(vtepOrNull)) {
            remove(old);
            return;
        }
        if (!old.vteps().contains(vtepOrNull)) {
            throw new FdbException(2, "no entry for " + what + " dst " + vtepOrNull.endpoint().hostString());
        }
        List<Vtep> vteps = new ArrayList<>(old.vteps());
        vteps.remove(vtepOrNull);
        put(new FdbEntry(mac, vteps, old.state(), old.seen()));
    }

    /**
     * A frame from {@code mac} arrived from {@code source} (receive thread, learning on). Refreshes a learned
     * entry, moves one that changed VTEP, creates one that is new, sending to the device's {@code port} and
     * {@code vni} (a peer's source port differs per flow); never touches a configured entry, as the kernel's
     * vxlan_snoop does not. Allocates only when an entry is created or moved.
     */
    public void learn(long mac, UdpEndpoint source, int port, int vni, long now) {
        if (configured.get(mac) != null) return;
        FdbEntry e = dynamic.get(mac);
        if (e != null && e.vteps().size() == 1 && e.vteps().getFirst().endpoint().sameAddress(source)) {
            if (now - e.seen().nanos >= SEEN_RESOLUTION_NANOS) e.seen().nanos = now;
            return;
        }
        synchronized (this) {
            if (lookup(mac) != e) return;   // changed meanwhile: the next frame looks again
            if (e == null && dynamic.live >= MAX_LEARNED) return;
            Vtep vtep = new Vtep(source.toInetSocketAddress().getAddress(), port, vni);
            put(new FdbEntry(mac, List.of(vtep), FdbEntry.State.DYNAMIC, new FdbEntry.Seen(now)));
        }
    }

    /** Removes dynamic entries not seen for {@code ageingNanos}; returns how many went (control thread). */
    public synchronized int expire(long now, long ageingNanos) {
        int removed = 0;
        for (FdbEntry e : dynamic.entries()) {
            if (now - e.seen().nanos >= ageingNanos) {
                dynamic.remove(e.mac());
                removed++;
            }
        }
        return removed;
    }

    /** Every entry, default first, then by MAC. */
    public List<FdbEntry> entries() {
        List<FdbEntry> all = new ArrayList<>(configured.entries());
        all.addAll(dynamic.entries());
        all.sort(Comparator.comparingLong(FdbEntry::mac));
        return all;
    }

    /** `bridge fdb flush`: removes every entry; with {@code dynamicOnly} the dynamic ones only. */
    public synchronized void flush(boolean dynamicOnly) {
        dynamic = new Dynamic();
        if (!dynamicOnly) configured = Configured.EMPTY;
    }

    /** Puts {@code e} in the table its state belongs to, taking the MAC out of the other (under the lock). */
    private void put(FdbEntry e) {
        if (e.ages()) {
            if (configured.get(e.mac()) != null) configured = configured.without(e.mac());
            if (dynamic.get(e.mac()) == null && !dynamic.hasRoom()) dynamic = dynamic.rebuilt();
            dynamic.put(e);
        } else {
            if (dynamic.get(e.mac()) != null) dynamic.remove(e.mac());
            configured = configured.with(e);
        }
    }

    private void remove(FdbEntry e) {
        if (e.ages()) dynamic.remove(e.mac());
        else configured = configured.without(e.mac());
    }

    /** Refused change, with the errno `bridge` would report. */
    public static final class FdbException extends dev.dataplane.uapi.CommandSession.Refused {
        FdbException(int errno, String message) {
            super(errno, message);
        }
    }

    private static int hash(long mac) {
        return (int) ((mac * 0x9E3779B97F4A7C15L) >>> 32);
    }

    /** Configured entries: open addressing on the MAC, at most half full, never changed once published. */
    private static final class Configured {
        static final Configured EMPTY = of(List.of());
        final long[] keys;
        final FdbEntry[] values;
        final int size;

        private Configured(long[] keys, FdbEntry[] values, int size) {
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

        Configured with(FdbEntry e) {
            List<FdbEntry> all = entries();
            all.removeIf(v -> v.mac() == e.mac());
            all.add(e);
            return of(all);
        }

        Configured without(long mac) {
            List<FdbEntry> all = entries();
            all.removeIf(v -> v.mac() == mac);
            return of(all);
        }

        static Configured of(List<FdbEntry> all) {
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
            return new Configured(keys, values, all.size());
        }
    }

    /**
     * Dynamic entries: linear probing over a fixed array of 4 × {@link #MAX_LEARNED} slots, each entry holding its
     * own MAC, so a reader sees a whole entry or none. Removal leaves a tombstone (probes go on past it); once live
     * entries and tombstones fill three quarters of the slots the writer rebuilds a fresh table and publishes it.
     */
    private static final class Dynamic {
        private static final int SLOTS = 4 * MAX_LEARNED;
        private static final FdbEntry TOMBSTONE = new FdbEntry(-1, List.of(), FdbEntry.State.DYNAMIC, null);
        final AtomicReferenceArray<FdbEntry> slots = new AtomicReferenceArray<>(SLOTS);
        int live, used;   // written under the Fdb's lock; live read unlocked by size()

        FdbEntry get(long mac) {
            for (int i = hash(mac) & (SLOTS - 1); ; i = (i + 1) & (SLOTS - 1)) {
                FdbEntry e = slots.getAcquire(i);
                if (e == null) return null;
                if (e != TOMBSTONE && e.mac() == mac) return e;
            }
        }

        boolean hasRoom() {
            return used + 1 <= SLOTS * 3 / 4;
        }

        void put(FdbEntry e) {
            int free = -1;
            for (int i = hash(e.mac()) & (SLOTS - 1); ; i = (i + 1) & (SLOTS - 1)) {
                FdbEntry s = slots.getPlain(i);
                if (s == null) {
                    if (free < 0) {
                        free = i;
                        used++;
                    }
                    break;
                }
                if (s == TOMBSTONE) {
                    if (free < 0) free = i;
                } else if (s.mac() == e.mac()) {
                    slots.setRelease(i, e);   // replaced in place
                    return;
                }
            }
            slots.setRelease(free, e);
            live++;
        }

        void remove(long mac) {
            for (int i = hash(mac) & (SLOTS - 1); ; i = (i + 1) & (SLOTS - 1)) {
                FdbEntry s = slots.getPlain(i);
                if (s == null) return;
                if (s != TOMBSTONE && s.mac() == mac) {
                    slots.setRelease(i, TOMBSTONE);
                    live--;
                    return;
                }
            }
        }

        List<FdbEntry> entries() {
            List<FdbEntry> out = new ArrayList<>(live);
            for (int i = 0; i < SLOTS; i++) {
                FdbEntry e = slots.getAcquire(i);
                if (e != null && e != TOMBSTONE) out.add(e);
            }
            return out;
        }

        Dynamic rebuilt() {
            Dynamic fresh = new Dynamic();
            for (FdbEntry e : entries()) fresh.put(e);
            return fresh;
        }
    }
}
