package dev.dataplane.device;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Whose turn it is to work one side of the data path, for exactly one owner thread that waits for its turn and any
 * number of helpers that only try. Unlike a {@link java.util.concurrent.locks.ReentrantLock}, a contended wait
 * allocates nothing (the owner parks itself; no queue node), which keeps the packet path free of garbage.
 */
final class Turn {
    private final AtomicBoolean taken = new AtomicBoolean();
    private volatile Thread waiting;   // the owner, while it waits

    /** For a helper: takes the turn if it is free, never waits. */
    boolean tryTake() {
        return taken.compareAndSet(false, true);
    }

    /** For the owner thread only: takes the turn, parking while a helper has it. */
    void take() {
        while (!taken.compareAndSet(false, true)) {
            waiting = Thread.currentThread();
            if (taken.get()) LockSupport.park(this);   // given back meanwhile: unpark's permit makes this return
            waiting = null;
        }
    }

    /** Gives the turn back and wakes the owner if it waits for it. */
    void give() {
        taken.set(false);
        Thread owner = waiting;
        if (owner != null) LockSupport.unpark(owner);
    }
}
