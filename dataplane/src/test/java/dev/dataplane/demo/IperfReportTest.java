package dev.dataplane.demo;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** iperf3 3.12's -J layout, trimmed: intervals and sender totals beside the receiver's, which are the ones taken. */
class IperfReportTest {
    private static final String TCP = """
            {"start": {"connected": [{"socket": 5}], "version": "iperf 3.12"},
             "intervals": [{"sum": {"start": 0, "end": 1.0, "seconds": 1.0, "bytes": 1, "bits_per_second": 8}}],
             "end": {"streams": [{"sender": {"bytes": 999}}],
                     "sum_sent": {"start": 0, "end": 5.0, "seconds": 5.0, "bytes": 1500000001, "bits_per_second": 2.4e9},
                     "sum_received": {"start": 0, "end": 5.02, "seconds": 5.02, "bytes": 1500000000, "bits_per_second": 2390438247.0},
                     "cpu_utilization_percent": {"host_total": 12.5}}}
            """;

    @Test
    void takesTheReceiversTotals() throws IOException {
        IperfReport r = IperfReport.parse(TCP);
        assertEquals(1_500_000_000L, r.bytes());
        assertEquals(5.02, r.seconds());
        assertEquals(2.390438247, r.gbps(), 1e-9);
    }

    @Test
    void aReportWithoutThemIsAnErrorThatShowsIt() {
        IOException e = assertThrows(IOException.class, () -> IperfReport.parse("{\"error\": \"unable to connect to server\"}"));
        assertTrue(e.getMessage().contains("unable to connect"), e.getMessage());
        assertThrows(IOException.class, () -> IperfReport.parse("{\"end\": {\"sum_received\": {\"bytes\": \"many\"}}}"));
        assertThrows(IOException.class, () -> IperfReport.parse("iperf3: error - no JSON"));
    }
}
