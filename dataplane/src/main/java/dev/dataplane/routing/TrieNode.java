package dev.dataplane.routing;

/**
 * One node of the persistent trie, never changed after construction (all fields final) so readers
 * that reached it through a volatile root see it whole. A node is a prefix, its owner if the prefix
 * is an allowed IP ({@code null} for a pure branch point), and the subtries of longer prefixes
 * whose next bit (bit {@code cidr}) is 0 or 1. Path compression: children may be any number of
 * bits deeper, and a branch point exists only where two subtries really diverge.
 */
final class TrieNode<P> {
    final long hi;
    final long lo;
    final long maskHi;
    final long maskLo;
    final int cidr;
    final P peer;
    final TrieNode<P> zero;
    final TrieNode<P> one;

    /** {@code hi}/{@code lo} must already have the bits past {@code cidr} cleared. */
    TrieNode(long hi, long lo, int cidr, P peer, TrieNode<P> zero, TrieNode<P> one) {
        this.hi = hi;
        this.lo = lo;
        this.maskHi = Bits128.maskHi(cidr);
        this.maskLo = Bits128.maskLo(cidr);
        this.cidr = cidr;
        this.peer = peer;
        this.zero = zero;
        this.one = one;
    }

    /** Whether the key lies inside this node's prefix. */
    boolean covers(long keyHi, long keyLo) {
        return (keyHi & maskHi) == hi && (keyLo & maskLo) == lo;
    }

    /** The child on the key's side of this node's prefix. */
    TrieNode<P> childFor(long keyHi, long keyLo) {
        return Bits128.bit(keyHi, keyLo, cidr) == 0 ? zero : one;
    }

    TrieNode<P> withPeer(P newPeer) {
        return new TrieNode<>(hi, lo, cidr, newPeer, zero, one);
    }

    /** This node with the child on the key's side replaced. */
    TrieNode<P> withChildFor(long keyHi, long keyLo, TrieNode<P> child) {
        return Bits128.bit(keyHi, keyLo, cidr) == 0
                ? new TrieNode<>(hi, lo, cidr, peer, child, one)
                : new TrieNode<>(hi, lo, cidr, peer, zero, child);
    }
}
