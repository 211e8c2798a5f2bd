package dev.dataplane.bench.e2e;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `--ours 'NAME=ARGS'`: which of our paths a row runs, and the errors for a bad one. */
class BenchOptionsTest {
    private static final Path OUT = Path.of("results");

    @Test
    void aRowRunsWireGuardUnlessItNamesAnotherOfOurPaths() throws Exception {
        BenchOptions o = BenchOptions.parse(new String[] {
                "--ours", "wg-lane=--threads lane",
                "--ours", "vx-split=path:ours-vxlan --threads split",
                "--ours", "esp-raw=path:ours-esp -XX:ActiveProcessorCount=8",
                "--ours", "esp-udp=path:ours-esp-udp"}, OUT);
        List<BenchPath> rows = o.extra();
        assertInstanceOf(WireGuardPath.class, rows.get(0));
        assertInstanceOf(OurVxlanPath.class, rows.get(1));
        assertInstanceOf(OurEspPath.class, rows.get(2));
        assertInstanceOf(OurEspPath.class, rows.get(3));
        assertEquals(List.of("wg-lane", "vx-split", "esp-raw", "esp-udp"), rows.stream().map(BenchPath::name).toList());
    }

    @Test
    void anUnknownPathIsRefusedWithTheChoices() {
        BenchOptions.UsageException e = assertThrows(BenchOptions.UsageException.class,
                () -> BenchOptions.parse(new String[] {"--ours", "x=path:kernel-vxlan"}, OUT));
        assertTrue(e.getMessage().contains("ours-vxlan") && e.getMessage().contains("kernel-vxlan"), e.getMessage());
    }

    @Test
    void everyTransferPinsCubicUnlessTold() throws Exception {
        assertEquals("cubic", BenchOptions.parse(new String[0], OUT).congestionControl());
        assertEquals("bbr", BenchOptions.parse(new String[] {"--congestion-control", "bbr"}, OUT).congestionControl());
        BenchOptions.UsageException e = assertThrows(BenchOptions.UsageException.class,
                () -> BenchOptions.parse(new String[] {"--congestion-control", "cubic -R"}, OUT));
        assertTrue(e.getMessage().contains("--congestion-control"), e.getMessage());
    }
}
