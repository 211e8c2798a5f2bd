package dev.dataplane.esp.ike;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RekeyCollisionTest {
    private static byte[] nonce(int first) {
        byte[] n = new byte[32];
        n[0] = (byte) first;
        n[31] = 7;
        return n;
    }

    @Test
    void noCollisionUntilThePeersRekeyCrossesOurs() {
        RekeyCollision c = new RekeyCollision();
        assertFalse(c.happened());
        c.crossedBy(nonce(0x40), nonce(0x50));
        assertTrue(c.happened());
    }

    @Test
    void theExchangeWithTheLowestOfTheFourNoncesMadeTheRedundantSa() {
        RekeyCollision c = new RekeyCollision();
        c.crossedBy(nonce(0x40), nonce(0x90));           // the peer's exchange: lowest 0x40
        assertTrue(c.oursIsRedundant(nonce(0xa0), nonce(0x30)));    // ours holds 0x30, the lowest of all
        assertFalse(c.oursIsRedundant(nonce(0x41), nonce(0xff)));   // ours' lowest 0x41 beats 0x40
    }

    @Test
    void noncesCompareAsUnsignedBytes() {
        assertTrue(RekeyCollision.compare(nonce(0x7f), nonce(0x80)) < 0);   // 0x80 is not negative
        assertTrue(RekeyCollision.compare(nonce(0xff), nonce(0x01)) > 0);
    }

    @Test
    void noncesOfDifferentLengthsCompareOverTheShorter() {
        byte[] shortOne = {5, 6, 7}, longOne = {5, 6, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertTrue(RekeyCollision.compare(shortOne, longOne) == 0);
        assertTrue(RekeyCollision.compare(new byte[] {5, 6, 8}, longOne) > 0);
    }

    /** Both ends apply the rule to the same four nonces from their own side: exactly one of them finds its SA redundant. */
    @Test
    void bothEndsAlwaysAgree() {
        Random r = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            byte[] niA = new byte[32], nrB = new byte[32], niB = new byte[32], nrA = new byte[32];
            for (byte[] n : new byte[][] {niA, nrB, niB, nrA}) r.nextBytes(n);
            // A's exchange: A's Ni, B's Nr; B's exchange: B's Ni, A's Nr
            RekeyCollision atA = new RekeyCollision(), atB = new RekeyCollision();
            atA.crossedBy(niB, nrA);
            atB.crossedBy(niA, nrB);
            assertNotEquals(atA.oursIsRedundant(niA, nrB), atB.oursIsRedundant(niB, nrA), "round " + i);
        }
    }
}
