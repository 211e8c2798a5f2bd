package dev.dataplane.routing;

import java.util.function.Consumer;

/**
 * Persistent path-compressed binary trie over 128-bit keys. Every update builds new nodes along
 * one path (or the whole tree for {@link #removeOwnedBy}) and returns a new root, leaving the old
 * tree intact for readers still walking it. Owners are compared by identity.
 * Not thread-safe for writers; {@link AllowedIps} serialises them and publishes roots.
 */
final class PrefixTrie {
    private PrefixTrie() {}

    /** The owner of the longest prefix covering the key, or null; allocation-free. */
    static <P> P lookup(TrieNode<P> root, long hi, long lo) {
        P best = null;
        TrieNode<P> n = root;
        while (n != null && n.covers(hi, lo)) {
            if (n.peer != null) best = n.peer;
            n = n.cidr == 128 ? null : n.childFor(hi, lo); // a /128 has no children, nor a bit 128
        }
        return best;
    }

    /** The node for exactly this prefix (key already masked), or null. */
    static <P> TrieNode<P> find(TrieNode<P> root, long hi, long lo, int cidr) {
        TrieNode<P> n = root;
        while (n != null && n.cidr <= cidr && n.covers(hi, lo)) {
            if (n.cidr == cidr) return n;
            n = n.childFor(hi, lo);
        }
        return null;
    }

    /** Sets the owner of the prefix (key already masked), adding the prefix if absent. */
    static <P> TrieNode<P> insert(TrieNode<P> n, long hi, long lo, int cidr, P peer) {
        if (n == null) return new TrieNode<>(hi, lo, cidr, peer, null, null);
        int common = Math.min(Bits128.commonPrefix(n.hi, n.lo, hi, lo), Math.min(n.cidr, cidr));
        if (common == n.cidr) {
            if (cidr == n.cidr) return n.withPeer(peer);
            return n.withChildFor(hi, lo, insert(n.childFor(hi, lo), hi, lo, cidr, peer));
        }
        if (common == cidr) {
            // the new prefix contains this subtree: it goes above it
            return Bits128.bit(n.hi, n.lo, cidr) == 0
                    ? new TrieNode<>(hi, lo, cidr, peer, n, null)
                    : new TrieNode<>(hi, lo, cidr, peer, null, n);
        }
        // they diverge after `common` bits: a branch point holds both
        TrieNode<P> leaf = new TrieNode<>(hi, lo, cidr, peer, null, null);
        long branchHi = hi & Bits128.maskHi(common);
        long branchLo = lo & Bits128.maskLo(common);
        return Bits128.bit(hi, lo, common) == 0
                ? new TrieNode<>(branchHi, branchLo, common, null, leaf, n)
                : new TrieNode<>(branchHi, branchLo, common, null, n, leaf);
    }

    /** Drops the prefix if {@code peer} owns it; returns {@code n} itself when nothing changed. */
    static <P> TrieNode<P> remove(TrieNode<P> n, long hi, long lo, int cidr, P peer) {
        if (n == null || n.cidr > cidr || !n.covers(hi, lo)) return n;
        if (n.cidr == cidr) return n.peer == peer ? rebuild(n, null, n.zero, n.one) : n;
        TrieNode<P> child = n.childFor(hi, lo);
        TrieNode<P> updated = remove(child, hi, lo, cidr, peer);
        if (updated == child) return n;
        return Bits128.bit(hi, lo, n.cidr) == 0 ? rebuild(n, n.peer, updated, n.one) : rebuild(n, n.peer, n.zero, updated);
    }

    /** Drops every prefix {@code peer} owns; returns {@code n} itself when it owns none here. */
    static <P> TrieNode<P> removeOwnedBy(TrieNode<P> n, P peer) {
        if (n == null) return null;
        TrieNode<P> zero = removeOwnedBy(n.zero, peer);
        TrieNode<P> one = removeOwnedBy(n.one, peer);
        P owner = n.peer == peer ? null : n.peer;
        if (zero == n.zero && one == n.one && owner == n.peer) return n;
        return rebuild(n, owner, zero, one);
    }

    /** Visits the nodes that have an owner, prefix before the longer ones it holds, 0-side first. */
    static <P> void forEachOwned(TrieNode<P> n, Consumer<TrieNode<P>> visitor) {
        if (n == null) return;
        if (n.peer != null) visitor.accept(n);
        forEachOwned(n.zero, visitor);
        forEachOwned(n.one, visitor);
    }

    static <P> int countOwnedBy(TrieNode<P> n, P peer) {
        if (n == null) return 0;
        return (n.peer == peer ? 1 : 0) + countOwnedBy(n.zero, peer) + countOwnedBy(n.one, peer);
    }

    /** A node like {@code n} with new owner/children, dropping branch points that no longer branch. */
    private static <P> TrieNode<P> rebuild(TrieNode<P> n, P owner, TrieNode<P> zero, TrieNode<P> one) {
        if (owner == null) {
            if (zero == null) return one;
            if (one == null) return zero;
        }
        return new TrieNode<>(n.hi, n.lo, n.cidr, owner, zero, one);
    }
}
