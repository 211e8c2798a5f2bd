package dev.dataplane.tun;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine (root, a tool). Off CI a missing need skips the test with the reason;
 * in CI (environment CI=true, which installs everything and runs as root) it fails it, so that a skip can
 * never hide a missing tool there.
 */
final class Require {
    private Require() {}

    static void that(boolean met, String what) {
        if (met) return;
        if ("true".equals(System.getenv("CI"))) Assertions.fail(what + " (CI must have it: not skipped)");
        Assumptions.assumeTrue(false, what + ": skipped");
    }
}
