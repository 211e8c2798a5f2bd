package dev.dataplane.interop;

import dev.dataplane.netns.Netns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our ESP mode against the Linux kernel's XFRM (6.12, in the kernel-peer VM), configured on both sides with the
 * same `ip xfrm` lines: each transform, raw ESP and ESP-in-UDP, with and without ESN; IPv4 and IPv6 inside (IPv4
 * outside), ping both ways and a short iperf3 both ways; then the kernel resets its SA (same SPI and key, sequence
 * numbers from 1 again: replays to us, dropped and counted), and we delete ours (its traffic stops).
 */
class KernelXfrmIT {
    private static Path logs;

    @BeforeAll
    static void logs() throws Exception {
        logs = Files.createTempDirectory("dp-xfrm-it");
    }

    @BeforeEach
    void root() {
        Root.require();
        KernelPeer.image();
    }

    @ParameterizedTest(name = "{0}, udp={1}, esn={2}")
    @CsvSource({"GCM128,false,false", "GCM128,true,true", "GCM256,false,true", "GCM256,true,false", "CHACHA,false,false", "CHACHA,true,true"})
    void kernelXfrm(OurEsp.Transform t, boolean udp, boolean esn) throws Exception {
        KernelPeer.retryIfGuestCrashed(() -> exchange(t, udp, esn));
    }

    private static void exchange(OurEsp.Transform t, boolean udp, boolean esn) throws Exception {
        Random r = new Random();
        String k1 = t.randomKey(r), k2 = t.randomKey(r);
        int spi1 = 0x1000 + r.nextInt(0x1000), spi2 = 0x2000 + r.nextInt(0x1000);
        String host = "198.18.13.1", guest = "198.18.13.2";
        try (Netns ns = Netns.create("kpx")) {
            List<String> guestLines = OurEsp.tunnel(guest, host, "10.79.0.2/32,fd00:79::2/128", "10.79.0.1/32,fd00:79::1/128", t, udp, esn,
                    k2, k1, spi2, spi1);
            StringBuilder script = new StringBuilder("""
                    ip addr add 10.79.0.2/32 dev lo
                    ip -6 addr add fd00:79::2/128 dev lo nodad
                    ip route add 10.79.0.1/32 dev eth0 src 10.79.0.2
                    ip -6 route add fd00:79::1/128 dev eth0 src fd00:79::2
                    """);
            for (String line : guestLines) {
                // the kernel carries IPv6 inside an IPv4 SA only with af-unspec; ours takes the flag and ignores it
                script.append("ip xfrm ").append(line.startsWith("state") ? line + " flag af-unspec" : line).append('\n');
            }
            if (udp) {
                // the kernel decapsulates ESP-in-UDP only on a UDP socket marked UDP_ENCAP_ESPINUDP (an IKE daemon's)
                script.append("udp-encap 4500 &\nsleep 0.5\n");
            }
            script.append("""
                    ip xfrm state list | grep -c proto && echo GUEST-XFRM-OK
                    iperf3 -s -D
                    (for i in $(seq 60); do ping -c 1 -W 2 10.79.0.1 > /dev/null && break; done
                     ping -c 2 -W 5 10.79.0.1 && echo GUEST-PING4-OK
                     ping -c 2 -W 5 fd00:79::1 && echo GUEST-PING6-OK
                     nc -l -p 7777 > /dev/null
                     ip xfrm state del src %s dst %s proto esp spi 0x%x
                     ip xfrm %s flag af-unspec
                     ping -c 3 -W 2 10.79.0.1
                     echo GUEST-REPLAYED) &
                    """.formatted(guest, host, spi2, guestLines.getFirst()));
            try (KernelPeer vm = KernelPeer.start(ns, host, guest, script.toString())) {
                assertTrue(vm.console().contains("GUEST-XFRM-OK"), "the kernel took the lines:\n" + vm.console());
                String iface = "kpx" + (ProcessHandle.current().pid() % 10000) + t.ordinal() + (udp ? "u" : "r") + (esn ? "e" : "n");
                OurEsp ours = OurEsp.start(ns, iface, logs, OurEsp.tunnel(host, guest, "10.79.0.1/32,fd00:79::1/128",
                        "10.79.0.2/32,fd00:79::2/128", t, udp, esn, k1, k2, spi1, spi2));
                ns.exec("ip", "addr", "add", "10.79.0.1/32", "dev", iface);
                ns.exec("ip", "-6", "addr", "add", "fd00:79::1/128", "dev", iface, "nodad");
                ns.exec("ip", "route", "add", "10.79.0.2/32", "dev", iface);
                ns.exec("ip", "-6", "route", "add", "fd00:79::2/128", "dev", iface);
                assertEquals(0, ns.status("ping", "-c", "3", "-W", "5", "10.79.0.2"), "ours -> kernel, IPv4 inside\n" + vm.console()
                        + "\n" + ours.ctl("show"));
                assertEquals(0, ns.status("ping", "-c", "2", "-W", "5", "fd00:79::2"), "ours -> kernel, IPv6 inside");
                String console = vm.awaitConsole("GUEST-PING6-OK", 60);
                assertTrue(console.contains("GUEST-PING4-OK") && console.contains("GUEST-PING6-OK"), "kernel -> ours:\n" + console
                        + "\n" + ours.ctl("show") + Files.readString(logs.resolve(iface + ".log")));
                double up = KernelPeerIT.iperf(ns, "10.79.0.2", false), down = KernelPeerIT.iperf(ns, "10.79.0.2", true);
                System.out.printf("kernel XFRM %s udp=%s esn=%s: iperf3 ours->kernel %.3f, kernel->ours %.3f Gbit/s%n", t, udp, esn, up, down);
                assertTrue(up > 0 && down > 0, "TCP both ways (the emulated kernel is slow; any transfer counts): " + up + " / " + down);

                // the guest re-adds its SA with the same SPI and key: its sequence numbers start at 1 again
                ns.status("timeout", "10", "nc", "-N", guest, "7777");
                assertTrue(vm.awaitConsole("GUEST-REPLAYED", 60).contains("GUEST-REPLAYED"), vm.console());
                // without ESN they are old sequence numbers (replayed); with ESN, RFC 4303 A2.2 reads a number far below the
                // window as the next epoch's, so they fail authentication instead, as in the kernel
                String show = ours.ctl("show"), reason = esn ? "decrypt_failed" : "replayed";
                assertTrue(show.matches("(?s).*drops:.* " + reason + " [1-9].*"), "the kernel's replays were dropped as " + reason + ": " + show);

                ours.ctl("xfrm", "state", "del", "src", host, "dst", guest, "proto", "esp", "spi", "0x" + Integer.toHexString(spi1));
                assertEquals(1, ns.status("ping", "-c", "2", "-W", "2", "10.79.0.2"), "our SA deleted: nothing leaves");
                assertTrue(ours.ctl("show").matches("(?s).*drops:.* no_policy [1-9].*"), ours.ctl("show"));
            }
        }
    }
}
