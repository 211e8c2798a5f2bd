package dev.dataplane.cli;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Seeded random command lines: every one parses or is refused with a usage message; nothing else escapes. */
class OptionsFuzzTest {
    private static final String[] TOKENS = {"--iface", "-i", "--mode", "--mtu", "--workers", "--threads", "lane", "split", "--peer", "-f",
            "--foreground", "--no-offloads", "--metrics", "demo", "bench", "wg0", "flannel-wg", "wireguard", "vxlan",
            "0", "1", "576", "9000", "65536", "-1", "", "x", "--", "-", "127.0.0.1:0", "[::1]:9586", "ours",
            "a".repeat(16), "bad/name", "..", "\u0000", "--bogus", "1e3"};

    @Test
    void everyCommandLineParsesOrIsRefusedWithAReason() {
        Random rnd = new Random(0xC11_F022L);
        int parsed = 0, refused = 0;
        for (int round = 0; round < 50_000; round++) {
            String[] args = new String[rnd.nextInt(7)];
            for (int i = 0; i < args.length; i++) {
                args[i] = rnd.nextInt(10) == 0 ? randomString(rnd) : TOKENS[rnd.nextInt(TOKENS.length)];
            }
            try {
                Options.parse(args);
                parsed++;
            } catch (Options.UsageException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a refusal says why");
                refused++;
            } catch (RuntimeException e) {
                fail(String.join(" ", args) + " threw " + e);
            }
        }
        assertTrue(parsed > 100 && refused > 100, parsed + " parsed, " + refused + " refused");
    }

    private static String randomString(Random rnd) {
        char[] c = new char[rnd.nextInt(20)];
        for (int i = 0; i < c.length; i++) c[i] = (char) rnd.nextInt(0x3000);
        return new String(c);
    }
}
