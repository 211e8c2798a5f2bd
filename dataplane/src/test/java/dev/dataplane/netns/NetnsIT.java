package dev.dataplane.netns;

import dev.dataplane.interop.Root;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Namespaces a killed run left behind are deleted by the next one; nobody else's are touched. */
class NetnsIT {
    @Test
    void namespacesOfADeadMakerAreDeletedOthersKept() throws Exception {
        Root.require();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long dead = gone.pid(), alive = ProcessHandle.current().pid();
        String orphan = "dp-orph-" + dead + "-1", live = "dp-orph-" + alive + "-999999", tun = "dp-tun-" + dead + "-1";
        String other = "dp-orph-x", outsider = "test-" + dead + "-1";
        List<String> made = List.of(orphan, live, tun, other, outsider);
        try {
            for (String n : made) Netns.run(List.of("ip", "netns", "add", n));
            Netns.deleteOrphans();
            List<String> left = Netns.run(List.of("ip", "netns", "list")).lines().map(l -> l.strip().split("\\s+")[0]).toList();
            assertFalse(left.contains(orphan), "its maker is gone: " + left);
            assertTrue(left.contains(live), "its maker runs: " + left);
            assertFalse(left.contains(tun), "tun's tests' namespace, its maker gone: " + left);
            assertTrue(left.contains(other) && left.contains(outsider), "not named by us: left alone: " + left);
        } finally {
            for (String n : made) {
                try {
                    Netns.run(List.of("ip", "netns", "delete", n));
                } catch (IOException alreadyGone) {
                    // the orphan, deleted by the code under test
                }
            }
        }
    }
}
