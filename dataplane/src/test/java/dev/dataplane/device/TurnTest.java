package dev.dataplane.device;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TUN side's turn: one owner that waits for it, helpers that only try, never both inside. */
class TurnTest {
    @Test
    void aHelperGetsTheTurnOnlyWhileNobodyHasIt() {
        Turn turn = new Turn();
        turn.take();
        assertFalse(turn.tryTake(), "taken by the owner");
        turn.give();
        assertTrue(turn.tryTake());
        assertFalse(turn.tryTake(), "taken by a helper");
        turn.give();
    }

    @Test
    void theOwnerWaitingForAHelperGetsTheTurnWhenItIsGivenBack() throws Exception {
        Turn turn = new Turn();
        assertTrue(turn.tryTake());
        CountDownLatch taken = new CountDownLatch(1);
        Thread owner = Thread.ofPlatform().start(() -> {
            turn.take();
            taken.countDown();
            turn.give();
        });
        assertFalse(taken.await(100, TimeUnit.MILLISECONDS), "the owner waits while the helper has the turn");
        turn.give();
        assertTrue(taken.await(10, TimeUnit.SECONDS), "the owner was woken");
        owner.join();
    }

    @Test
    void ownerAndHelperNeverWorkAtOnceAndNoWakeUpIsLost() throws Exception {
        Turn turn = new Turn();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int[] work = new int[1];   // plain: only whoever has the turn touches it
        int rounds = 200_000;
        AtomicInteger helped = new AtomicInteger();
        Thread helper = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < rounds; i++) {
                if (!turn.tryTake()) continue;
                if (inside.incrementAndGet() != 1) overlaps.incrementAndGet();
                work[0]++;
                helped.incrementAndGet();
                inside.decrementAndGet();
                turn.give();
            }
        });
        Thread owner = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < rounds; i++) {
                turn.take();
                if (inside.incrementAndGet() != 1) overlaps.incrementAndGet();
                work[0]++;
                inside.decrementAndGet();
                turn.give();
            }
        });
        helper.join(60_000);
        owner.join(60_000);
        assertFalse(owner.isAlive() || helper.isAlive(), "a wait never ended");
        assertEquals(0, overlaps.get());
        turn.take();   // publishes work[0] to this thread
        assertEquals(rounds + helped.get(), work[0]);
    }
}
