package dev.dataplane.cli;

import dev.dataplane.device.Threading;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `--threads`: one thread per direction by default in every mode, the flag pins it, a bad value is refused. */
class ThreadsFlagTest {

    @Test
    void theDefaultIsOneThreadPerDirectionInEveryMode() {
        assertEquals(Threading.SPLIT, Threading.DEFAULT);
        assertEquals(Threading.SPLIT, parse("--iface", "wg0").threads());
        assertEquals(Threading.SPLIT, parse("--iface", "vx0", "--mode", "vxlan").threads());
        assertEquals(Threading.SPLIT, parse("--iface", "es0", "--mode", "esp").threads());
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
