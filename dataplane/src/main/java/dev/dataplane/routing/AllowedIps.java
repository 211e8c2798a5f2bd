package dev.dataplane.routing;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Cryptokey routing: which peer owns an address, by longest-prefix match over the allowed IPs of
 * all peers. The data path looks up destinations (outbound) and sources (inbound) from several
 * threads; the UAPI thread changes the table rarely.
 *
 * <p>Concurrency: each family is a persistent (immutable) path-compressed trie published through a
 * volatile root. A writer, serialised by a lock, builds new nodes along the changed path and then
 * publishes the new root; a reader takes the root once and walks immutable nodes, so lookups need
 * no lock, never block a writer, never see a half-made change, and allocate nothing. The cost is a
 * few node allocations per write, which is fine at configuration rates.
 *
 * <p>Prefixes are stored with their host bits cleared ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}).
 * Peers are compared by identity. IPv4 and IPv6 are separate tables: {@code ::/0} never matches an
 * IPv4 address, and an IPv4-mapped IPv6 address is looked up as IPv6.
 */
public final class AllowedIps<P> {
    private final Object writeLock = new Object();
    private volatile TrieNode<P> v4;
    private volatile TrieNode<P> v6;
    private volatile int size;

    /** Makes {@code peer} the owner of the prefix, replacing any other owner of exactly that prefix. */
    public void insert(byte[] address, int cidr, P peer) {
        Objects.requireNonNull(peer, "peer");
        boolean isV4 = checkPrefix(address, cidr);
        long hi = keyHi(address, isV4, cidr), lo = keyLo(address, isV4, cidr);
        synchronized (writeLock) {
            TrieNode<P> root = isV4 ? v4 : v6;
            TrieNode<P> existing = PrefixTrie.find(root, hi, lo, cidr);
            if (existing != null && existing.peer == peer) return;
            publish(isV4, PrefixTrie.insert(root, hi, lo, cidr, peer));
            if (existing == null || existing.peer == null) size++;
        }
    }

    /** Removes the prefix if {@code peer} owns it; returns whether it did. */
    public boolean remove(byte[] address, int cidr, P peer) {
        Objects.requireNonNull(peer, "peer");
        boolean isV4 = checkPrefix(address, cidr);
        long hi = keyHi(address, isV4, cidr), lo = keyLo(address, isV4, cidr);
        synchronized (writeLock) {
            TrieNode<P> root = isV4 ? v4 : v6;
            TrieNode<P> updated = PrefixTrie.remove(root, hi, lo, cidr, peer);
            if (updated == root) return false;
            publish(isV4, updated);
            size--;
            return true;
        }
    }

    /** Removes every prefix {@code peer} owns, in both families. */
    public void removeByPeer(P peer) {
        Objects.requireNonNull(peer, "peer");
        synchronized (writeLock) {
            size -= PrefixTrie.countOwnedBy(v4, peer) + PrefixTrie.countOwnedBy(v6, peer);
            v4 = PrefixTrie.removeOwnedBy(v4, peer);
            v6 = PrefixTrie.removeOwnedBy(v6, peer);
        }
    }

    /** Empties the table. */
    public void clear() {
        synchronized (writeLock) {
            v4 = null;
            v6 = null;
            size = 0;
        }
    }

    /** The owner of the longest IPv4 prefix holding the address (network byte order), or null. */
    public P lookupV4(int address) {
        return PrefixTrie.lookup(v4, Bits128.v4Hi(address), 0L);
    }

    /** The owner of the longest IPv6 prefix holding the address (hi = first 8 bytes), or null. */
    public P lookupV6(long hi, long lo) {
        return PrefixTrie.lookup(v6, hi, lo);
    }

    /** Lookup of a 4- or 16-byte address. */
    public P lookup(byte[] address) {
        Objects.requireNonNull(address, "address");
        return switch (address.length) {
            case 4 -> lookupV4(readInt(address, 0));
            case 16 -> lookupV6(readLong(address, 0), readLong(address, 8));
            default -> throw badLength(address);
        };
    }

    /**
     * Calls {@code action} with each prefix {@code peer} owns, as (network address, cidr), IPv4
     * first, each family in sorted order: by address, a prefix before the longer prefixes it
     * contains. IPv6 prefixes always come as {@link Inet6Address}, IPv4-mapped ones included.
     * Reads one snapshot, so the action may change the table.
     */
    public void forEach(P peer, BiConsumer<InetAddress, Integer> action) {
        Objects.requireNonNull(peer, "peer");
        TrieNode<P> v4Root = v4, v6Root = v6;
        PrefixTrie.forEachOwned(v4Root, n -> {
            if (n.peer == peer) action.accept(toInet(n, true), n.cidr);
        });
        PrefixTrie.forEachOwned(v6Root, n -> {
            if (n.peer == peer) action.accept(toInet(n, false), n.cidr);
        });
    }

    /** How many prefixes the table holds, both families. */
    public int size() {
        return size;
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void publish(boolean isV4, TrieNode<P> root) {
        if (isV4) v4 = root;
        else v6 = root;
    }

    /** Validates the prefix; returns whether it is IPv4. */
    private static boolean checkPrefix(byte[] address, int cidr) {
        Objects.requireNonNull(address, "address");
        if (address.length != 4 && address.length != 16) throw badLength(address);
        int max = address.length * 8;
        if (cidr < 0 || cidr > max) {
            throw new IllegalArgumentException("cidr " + cidr + " is out of range for "
                    + (max == 32 ? "IPv4" : "IPv6") + " (0.." + max + ")");
        }
        return max == 32;
    }

    private static IllegalArgumentException badLength(byte[] address) {
        return new IllegalArgumentException(
                "address must be 4 (IPv4) or 16 (IPv6) bytes, got " + address.length);
    }

    private static long keyHi(byte[] address, boolean isV4, int cidr) {
        long hi = isV4 ? Bits128.v4Hi(readInt(address, 0)) : readLong(address, 0);
        return hi & Bits128.maskHi(cidr);
    }

    private static long keyLo(byte[] address, boolean isV4, int cidr) {
        return isV4 ? 0L : readLong(address, 8) & Bits128.maskLo(cidr);
    }

    private static int readInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    private static long readLong(byte[] b, int off) {
        return (readInt(b, off) & 0xffffffffL) << 32 | (readInt(b, off + 4) & 0xffffffffL);
    }

    private static InetAddress toInet(TrieNode<?> n, boolean isV4) {
        try {
            if (isV4) {
                int a = (int) (n.hi >>> 32);
                return InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
            }
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (n.hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (n.lo >>> (56 - 8 * i));
            }
            // getByAddress would turn an IPv4-mapped address into an Inet4Address
            return Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException impossible) {
            throw new AssertionError("fixed-length address rejected", impossible);
        }
    }
}
