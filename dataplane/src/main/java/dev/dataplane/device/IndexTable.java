package dev.dataplane.device;

import org.agrona.collections.Int2ObjectHashMap;

import java.security.SecureRandom;

/**
 * Our random 32-bit session indices: each names either a handshake in flight (its peer) or an established
 * keypair. The data path looks up keypairs per packet, lock-free and allocation-free, in an immutable
 * snapshot; the rare writes (one per handshake) copy the table and publish the copy.
 */
final class IndexTable {
    /** What an index refers to; exactly one of keypair / handshakePeer is set. */
    record Entry(Peer handshakePeer, Keypair keypair) {}

    private final SecureRandom random = new SecureRandom();
    private volatile Int2ObjectHashMap<Entry> table = new Int2ObjectHashMap<>();

    Keypair keypair(int index) {
        Entry e = table.get(index);
        return e == null ? null : e.keypair;
    }

    Peer handshakePeer(int index) {
        Entry e = table.get(index);
        return e == null ? null : e.handshakePeer;
    }

    /** Reserves a fresh non-zero index for a handshake with {@code peer}. */
    synchronized int newHandshakeIndex(Peer peer) {
        Int2ObjectHashMap<Entry> copy = new Int2ObjectHashMap<>(table);
        int index;
        do {
            index = random.nextInt();
        } while (index == 0 || copy.containsKey(index));
        copy.put(index, new Entry(peer, null));
        table = copy;
        return index;
    }

    /** The handshake at {@code index} completed: the index now names {@code kp}. */
    synchronized void bindKeypair(Keypair kp) {
        Int2ObjectHashMap<Entry> copy = new Int2ObjectHashMap<>(table);
        copy.put(kp.localIndex, new Entry(null, kp));
        table = copy;
    }

    synchronized void remove(int index) {
        if (index == 0 || !table.containsKey(index)) return;
        Int2ObjectHashMap<Entry> copy = new Int2ObjectHashMap<>(table);
        copy.remove(index);
        table = copy;
    }

    int size() {
        return table.size();
    }
}
