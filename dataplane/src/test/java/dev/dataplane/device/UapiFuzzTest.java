package dev.dataplane.device;

import dev.dataplane.uapi.UapiProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded mutations of the checked-in UAPI requests (src/test/resources/fuzz/uapi) against a live device: the
 * protocol answers or refuses every one, never throws anything but an I/O error for an over-long line,
 * never hangs, and a refused set leaves the configuration exactly as it was.
 */
class UapiFuzzTest {
    private static final int ROUNDS = 4000;
    private static final String[] KEYS = {"private_key", "listen_port", "fwmark", "replace_peers", "public_key",
            "preshared_key", "endpoint", "persistent_keepalive_interval", "replace_allowed_ips", "allowed_ip",
            "remove", "update_only", "protocol_version", "set", "get", "", "=", "errno"};
    private static final String[] VALUES = {"", "0", "1", "-1", "65536", "true", "false", "x", "1.2.3.4:5",
            "[::1]:0", "[fd00::1%eth0]:1", "10.0.0.0/33", "fd00::/129", "::ffff:10.0.0.1/104", "0.0.0.0/0",
            "a8dac1d8a70a751f0f699fb14ba1cff7b79cf4fbd8f09f44c6e4a90d0369604", "9".repeat(64), "\u0000", "é"};

    @Test
    @Timeout(120)
    void everyMutatedRequestIsAnsweredOrRefusedAndARefusedSetChangesNothing() throws Exception {
        List<String> corpus = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/fuzz/uapi"))) {
            for (Path f : files.sorted().toList()) corpus.add(Files.readString(f, StandardCharsets.UTF_8));
        }
        assertTrue(corpus.size() >= 5, "the corpus is checked in");
        try (WgDevice device = new WgDevice("fz", new MemoryPacketDevice(), new ManualClock(), ProtocolLimits.STANDARD, 0, System.err)) {
            device.start();
            UapiProtocol uapi = new UapiProtocol(device.config(), msg -> {});
            Random rnd = new Random(0xF022_0A91L);
            int answered = 0, refused = 0;
            for (int round = 0; round < ROUNDS; round++) {
                String request = mutate(corpus.get(rnd.nextInt(corpus.size())), rnd);
                String before = get(uapi);
                StringWriter out = new StringWriter();
                try {
                    uapi.serve(new BufferedReader(new StringReader(request)), out);
                } catch (IOException tooLong) {
                    assertTrue(tooLong.getMessage().contains("longer than"), tooLong.getMessage());
                    continue;
                } catch (RuntimeException e) {
                    fail("request " + round + " threw " + e + ":\n" + request);
                }
                for (String block : out.toString().split("\n\n")) {
                    if (!block.contains("errno=")) continue;
                    int errno = Integer.parseInt(block.substring(block.lastIndexOf("errno=") + 6).strip());
                    if (errno == 0) answered++;
                    else refused++;
                }
                // a set request that was refused as a whole must not have changed anything
                if (request.startsWith("set=1\n") && out.toString().startsWith("errno=-") && request.indexOf("\n\n") == request.length() - 2) {
                    assertEquals(before, get(uapi), "a refused set changed the configuration:\n" + request);
                }
            }
            assertTrue(answered > 100 && refused > 100, "both paths reached: " + answered + " answered, " + refused + " refused");
            // and the device still takes a good configuration
            StringWriter out = new StringWriter();
            uapi.serve(new BufferedReader(new StringReader(corpus.get(0).startsWith("get") ? corpus.get(1) : corpus.get(0))), out);
            assertFalse(out.toString().isEmpty());
        }
    }

    private static String get(UapiProtocol uapi) throws IOException {
        StringWriter out = new StringWriter();
        uapi.serve(new BufferedReader(new StringReader("get=1\n\n")), out);
        return out.toString();
    }

    private static String mutate(String seed, Random rnd) {
        List<String> lines = new ArrayList<>(List.of(seed.split("\n", -1)));
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int i = rnd.nextInt(lines.size());
            switch (rnd.nextInt(8)) {
                case 0 -> lines.set(i, KEYS[rnd.nextInt(KEYS.length)] + "=" + VALUES[rnd.nextInt(VALUES.length)]);
                case 1 -> {
                    String l = lines.get(i);
                    int eq = l.indexOf('=');
                    if (eq > 0) lines.set(i, l.substring(0, eq + 1) + VALUES[rnd.nextInt(VALUES.length)]);
                }
                case 2 -> lines.add(i, lines.get(rnd.nextInt(lines.size())));
                case 3 -> lines.remove(i);
                case 4 -> {
                    char[] c = lines.get(i).toCharArray();
                    if (c.length > 0) c[rnd.nextInt(c.length)] = (char) (32 + rnd.nextInt(95));
                    lines.set(i, new String(c));
                }
                case 5 -> lines.set(i, lines.get(i).substring(0, rnd.nextInt(lines.get(i).length() + 1)));
                case 6 -> lines.add(i, "x".repeat(rnd.nextInt(5000)));
                default -> {
                    int j = rnd.nextInt(lines.size());
                    String t = lines.get(i);
                    lines.set(i, lines.get(j));
                    lines.set(j, t);
                }
            }
            if (lines.isEmpty()) lines.add("");
        }
        return String.join("\n", lines);
    }
}
