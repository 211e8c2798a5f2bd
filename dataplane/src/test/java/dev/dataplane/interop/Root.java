package dev.dataplane.interop;

import org.junit.jupiter.api.Assumptions;

/** Interop tests need root (namespaces, TUN); elsewhere they are skipped with a reason, not faked. */
public final class Root {
    private Root() {}

    public static void require() {
        String user = System.getProperty("user.name");
        Assumptions.assumeTrue("root".equals(user), "needs root for network namespaces; running as " + user);
    }
}
