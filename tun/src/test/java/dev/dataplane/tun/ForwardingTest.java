package dev.dataplane.tun;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two TUN devices made by the code, in two namespaces, forwarded through UDP in Java: ping and a bounded
 * TCP stream (iperf3, 20 MB) cross in both directions, for each I/O flavour.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ForwardingTest {

    @BeforeEach
    void root() {
        Netns.assumeRoot();
    }

    static List<Forwarder.Mode> modes() {
        return List.of(
                Forwarder.Mode.single(),
                new Forwarder.Mode(64, false, false, false, false),
                new Forwarder.Mode(64, true, true, false, false),
                new Forwarder.Mode(64, true, true, true, false),
                new Forwarder.Mode(64, false, false, false, true),
                new Forwarder.Mode(64, true, true, true, true));
    }

    @ParameterizedTest
    @MethodSource("modes")
    void pingAndTcpCrossTheTunnel(Forwarder.Mode mode) throws Exception {
        Require.that(Files.isExecutable(Path.of("/usr/bin/iperf3")), "iperf3 missing");
        try (Forwarder f = Forwarder.start(202, 1420, mode)) {
            String ping = f.nsA.exec("ping", "-c", "3", "-i", "0.2", "-W", "2", f.innerB);
            assertTrue(ping.contains("3 received"), ping);
            Process server = f.nsB.start("iperf3", "-s", "-1", "-B", f.innerB);
            String out = iperf(f, "-c", f.innerB, "-n", "20M");
            assertTrue(out.contains("sender") && out.contains("receiver"), out);
            assertTrue(f.devA.usesIoUring() == mode.ioUring(), "io_uring as asked");
            if (mode.offloads()) {
                assertTrue(f.devA.offloads(), "kernel accepted TSO on the TUN device");
                assertTrue(f.devA.superPacketsRead() > 0, "the sender's TCP handed over super-packets");
                assertTrue(f.devB.superPacketsWritten() > 0, "segments were coalesced on the way back in");
            }
            server.waitFor(5, TimeUnit.SECONDS);
            Process reverse = f.nsB.start("iperf3", "-s", "-1", "-B", f.innerB);
            out = iperf(f, "-c", f.innerB, "-n", "20M", "-R");
            assertTrue(out.contains("receiver"), out);
            reverse.waitFor(5, TimeUnit.SECONDS);
            assertNull(f.failure());
        }
    }

    /** Runs the iperf3 client in nsA once the server in nsB listens on its default port. */
    static String iperf(Forwarder f, String... args) throws Exception {
        for (int attempt = 0; !f.nsB.exec("ss", "-Hltn", "sport = :5201").contains("5201"); attempt++) {
            if (attempt > 50) throw new AssertionError("iperf3 server did not start");
            Thread.sleep(100);
        }
        String[] cmd = new String[args.length + 1];
        cmd[0] = "iperf3";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return f.nsA.exec(cmd);
    }
}
