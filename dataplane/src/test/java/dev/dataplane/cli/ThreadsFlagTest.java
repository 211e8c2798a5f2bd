package dev.dataplane.cli;

import dev.dataplane.device.Threading;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `--threads`: the default follows the cores, the flag pins it for every mode, a bad value is refused. */
class ThreadsFlagTest {

    @Test
    void theDefaultIsOneLaneUpToTwoCoresAndOneThreadPerDirectionAbove() {
        assertEquals(Threading.LANE, Threading.forCores(1));
        assertEquals(Threading.LANE, Threading.forCores(2));
        assertEquals(Threading.SPLIT, Threading.forCores(3));
        assertEquals(Threading.SPLIT, Threading.forCores(64));
        assertEquals(Threading.forCores(Runtime.getRuntime().availableProcessors()),
                parse("--iface", "wg0").threads(), "no flag: chosen from this JVM's cores");
    }

    @Test
    void theFlagPinsTheThreadingInEveryMode() throws Exception {
        assertEquals(Threading.SPLIT, parse("--iface", "wg0", "--threads", "split").threads());
        assertEquals(Threading.LANE, parse("--iface", "wg0", "--threads", "lane").threads());
        assertEquals(Threading.SPLIT, parse("--iface", "vx0", "--mode", "vxlan", "--threads", "split").threads());
        assertEquals(Threading.LANE, parse("--iface", "es0", "--mode", "esp", "--threads", "lane").threads());
        assertEquals("split", Threading.SPLIT.flag());
    }

    @Test
    void aBadValueIsRefusedWithTheChoices() {
        Options.UsageException e = assertThrows(Options.UsageException.class, () -> Options.parse(new String[] {"--iface", "wg0", "--threads", "four"}));
        assertTrue(e.getMessage().contains("lane or split"), e.getMessage());
        e = assertThrows(Options.UsageException.class, () -> Options.parse(new String[] {"--iface", "wg0", "--threads"}));
        assertTrue(e.getMessage().contains("--threads"), e.getMessage());
    }

    private static Options parse(String... args) {
        try {
            return Options.parse(args);
        } catch (Options.UsageException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
