package dev.dataplane.uapi;

import dev.dataplane.net.Printable;
/** Unsigned decimal values with an upper bound, as UAPI's integer keys take them. */
final class Numbers {
    private Numbers() {}

    static int parse(String value, int max, String what) {
        return (int) parseLong(value, max, what);
    }

    static long parseLong(String value, long max, String what) {
        if (value.isEmpty() || value.length() > 12 || !value.chars().allMatch(Character::isDigit)) {
            throw new UapiException(UapiException.EINVAL, "failed to parse " + what + ": " + Printable.of(value));
        }
        long v = Long.parseLong(value);
        if (v > max) throw new UapiException(UapiException.EINVAL, what + " out of range: " + value);
        return v;
    }
}
