package dev.dataplane.device;

import java.util.concurrent.ThreadLocalRandom;

/**
 * WireGuard's protocol constants (whitepaper section 6.1, wireguard-go's device/constants.go). A record
 * so tests can lower them (for example to force a rekey mid-stream) without touching the state machine.
 */
public record ProtocolLimits(
        long rekeyAfterMessages,
        long rejectAfterMessages,
        long rekeyAfterTimeNanos,
        long rejectAfterTimeNanos,
        long rekeyAttemptTimeNanos,
        long rekeyTimeoutNanos,
        long keepaliveTimeoutNanos,
        long maxJitterNanos) {

    private static final long S = 1_000_000_000L;

    public static final ProtocolLimits STANDARD = new ProtocolLimits(
            1L << 60,
            // 2^64 - 2^13 - 1 does not fit a signed long; the counter never reaches 2^63 in practice.
            Long.MAX_VALUE - (1L << 13),
            120 * S, 180 * S, 90 * S, 5 * S, 10 * S, S / 3);

    /** STANDARD, with overrides from -Ddataplane.rekeyAfterTime=SECONDS and -Ddataplane.rekeyAfterMessages=N. */
    public static ProtocolLimits fromSystemProperties() {
        ProtocolLimits l = STANDARD;
        String t = System.getProperty("dataplane.rekeyAfterTime");
        String m = System.getProperty("dataplane.rekeyAfterMessages");
        long rekeyTime = t == null ? l.rekeyAfterTimeNanos : Long.parseLong(t) * S;
        long rekeyMsgs = m == null ? l.rekeyAfterMessages : Long.parseLong(m);
        return new ProtocolLimits(rekeyMsgs, l.rejectAfterMessages, rekeyTime,
                Math.max(l.rejectAfterTimeNanos, rekeyTime), l.rekeyAttemptTimeNanos, l.rekeyTimeoutNanos,
                l.keepaliveTimeoutNanos, l.maxJitterNanos);
    }

    /** A receiving initiator rekeys this long after the handshake, before the peer's keys expire. */
    public long rekeyOnReceiveNanos() {
        return rejectAfterTimeNanos - keepaliveTimeoutNanos - rekeyTimeoutNanos;
    }

    /** Key material is wiped this long after the last handshake. */
    public long zeroKeysAfterNanos() {
        return 3 * rejectAfterTimeNanos;
    }

    public long newHandshakeAfterNanos() {
        return keepaliveTimeoutNanos + rekeyTimeoutNanos;
    }

    public long jitter() {
        return ThreadLocalRandom.current().nextLong(maxJitterNanos);
    }
}
