package dev.dataplane.device;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** A session's next send counter, alone on its cache line (padded on both sides). */
final class SendCounter extends SendCounterField {
    @SuppressWarnings("unused")
    private long p10, p11, p12, p13, p14, p15, p16, p17;

    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(SendCounterField.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long getAndIncrement() {
        return (long) VALUE.getAndAdd(this, 1L);
    }
}

abstract class SendCounterPad {
    @SuppressWarnings("unused")
    private long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class SendCounterField extends SendCounterPad {
    long value;
}
