package dev.dataplane.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad flags and bad BackendData are refused with a reason before anything on the node is touched. */
class FlannelCommandTest {
    private record Run(int status, String out, String err) {}

    private static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = FlannelCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("", "flannel").status());
        assertEquals(2, run("", "flannel", "start").status());
        assertEquals(2, run("", "flannel", "subnet-add", "--mode", "geneve").status());
        assertEquals(2, run("", "flannel", "subnet-add", "--port", "70000").status());
        assertEquals(2, run("", "flannel", "subnet-add", "--iface", "a/b").status());
        assertEquals(2, run("", "flannel", "subnet-add", "--mode", "vxlan", "--device", "kernel").status());
        Run r = run("", "flannel", "post-startup", "--bogus");
        assertTrue(r.err().contains("unknown argument: --bogus"), r.err());
        assertEquals("", r.out(), "nothing on stdout: it would become BackendData");
        assertEquals(0, run("", "flannel", "--help").status());
    }

    @Test
    void agentFlagsAreChecked() {
        assertEquals(2, run("", "flannel", "agent").status());
        assertEquals(2, run("", "flannel", "agent", "--public-ip", "198.18.0.1").status());
        assertEquals(2, run("", "flannel", "agent", "--etcd-endpoints", "http://198.18.0.254:2379").status());
        assertEquals(2, run("", "flannel", "agent", "--etcd-endpoints", "ftp://x", "--public-ip", "198.18.0.1").status());
        assertEquals(2, run("", "flannel", "agent", "--etcd-endpoints", "http://198.18.0.254:2379", "--public-ip", "fd00::1").status());
        assertEquals(2, run("", "flannel", "agent", "--etcd-endpoints", "http://198.18.0.254:2379", "--public-ip", "198.18.0.1",
                "--etcd-prefix", "coreos.com").status());
        Run half = run("", "flannel", "agent", "--etcd-endpoints", "https://198.18.0.254:2379", "--public-ip", "198.18.0.1",
                "--etcd-certfile", "/nonexistent.pem");
        assertEquals(1, half.status());
        assertTrue(half.err().contains("--etcd-certfile and --etcd-keyfile go together"), half.err());
        Run r = run("", "flannel", "agent", "--etcd-endpoints", "http://198.18.0.254:2379", "--public-ip", "198.18.0.1", "--wat", "1");
        assertTrue(r.err().contains("unknown argument: --wat"), r.err());
    }

    @Test
    void garbageBackendDataIsRefusedWithAReason() {
        Run wg = run("$(reboot)\n", "flannel", "subnet-add", "--mode", "wireguard", "--iface", "dpt-none0");
        assertEquals(1, wg.status());
        assertTrue(wg.err().contains("not a WireGuard public key"), wg.err());
        Run vx = run("zz:zz\n", "flannel", "subnet-add", "--mode", "vxlan", "--iface", "dpt-none0");
        assertEquals(1, vx.status());
        assertTrue(vx.err().contains("not a MAC address"), vx.err());
        Run big = run("A".repeat(70_000), "flannel", "subnet-remove", "--iface", "dpt-none0");
        assertEquals(1, big.status());
        assertTrue(big.err().contains("BackendData on stdin"), big.err());
    }
}
