package dev.dataplane.interop;

import org.junit.jupiter.api.Assumptions;

/**
 * Interop tests need root (namespaces, TUN); elsewhere they are skipped with a reason, not faked. In CI
 * (environment CI=true, which runs as root) not being root fails the test instead: a skip there would hide it.
 */
public final class Root {
    private Root() {}

    public static void require() {
        String user = System.getProperty("user.name");
        if ("root".equals(user)) return;
        String why = "needs root for network namespaces; running as " + user;
        if ("true".equals(System.getenv("CI"))) org.junit.jupiter.api.Assertions.fail(why + " (in CI: not skipped)");
        Assumptions.assumeTrue(false, why);
    }

    /** Something a test needs is missing (a tool, an image): skipped with the reason, but failed under CI=true. */
    public static void missing(String why) {
        if ("true".equals(System.getenv("CI"))) org.junit.jupiter.api.Assertions.fail(why + " (in CI: not skipped)");
        Assumptions.assumeTrue(false, why);
    }
}
