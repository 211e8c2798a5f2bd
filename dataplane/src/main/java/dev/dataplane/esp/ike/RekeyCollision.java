package dev.dataplane.esp.ike;

import java.util.Arrays;

/**
 * A rekey we started, and what the peer's rekey of the same SA made if it crossed ours (RFC 7296 §2.8.1 for CHILD
 * SAs, §2.8.2 for IKE SAs). When both exchanges finish, two new SAs replace one: the exchange that carried the
 * lowest of the four nonces made the redundant one, and its initiator deletes it; the other initiator deletes the
 * old SA. strongSwan's charon follows the same rule, so both ends keep the same survivor.
 */
final class RekeyCollision {
    /** What the peer's crossing rekey made: a CHILD SA or an IKE SA; null while no rekey of the peer crossed ours. */
    ChildSa peersChild;
    IkeSa peersIke;
    private byte[] peersLowerNonce;

    /** The peer's rekey of the same SA was answered while ours was in flight; its nonces were {@code ni} and our {@code nr}. */
    void crossedBy(byte[] ni, byte[] nr) {
        peersLowerNonce = lower(ni, nr);
    }

    boolean happened() {
        return peersLowerNonce != null;
    }

    /** Whether the SA our exchange (our {@code ni}, the peer's {@code nr}) made is the redundant one. */
    boolean oursIsRedundant(byte[] ni, byte[] nr) {
        return compare(lower(ni, nr), peersLowerNonce) < 0;
    }

    static byte[] lower(byte[] a, byte[] b) {
        return compare(a, b) <= 0 ? a : b;
    }

    /** Nonces compared as charon does: unsigned bytes over the shorter length. */
    static int compare(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        return Arrays.compareUnsigned(a, 0, n, b, 0, n);
    }
}
