package dev.dataplane.interop;

import dev.dataplane.os.Command;
import dev.dataplane.demo.Measure;
import dev.dataplane.netns.Netns;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our ESP mode at both ends, each in its own namespace, configured with `ip xfrm` lines: each transform over raw
 * ESP and ESP-in-UDP, IPv4 and IPv6 inside, an SA deleted at run time (its traffic stops, and comes back with a new
 * SA), `ctl xfrm … list` as ip prints it, refused lines.
 */
class EspIT {
    private static Path logs;

    @BeforeAll
    static void logs() throws Exception {
        logs = Files.createTempDirectory("dp-esp-it");
    }

    @BeforeEach
    void root() {
        Root.require();
    }

    private record Ends(Netns a, Netns b, OurEsp ea, OurEsp eb) implements AutoCloseable {
        @Override
        public void close() {
            a.close();
            b.close();
        }
    }

    private static Ends up(String tag, OurEsp.Transform t, boolean udp, boolean esn) throws Exception {
        return up(tag, t, udp, esn, false, "lane");
    }

    /**
     * {@code v6}: the SAs' outer addresses are IPv6 (fd00:1814::1 and ::2) instead of IPv4; {@code threads}: both ends'
     * data path threading, lane or split.
     */
    private static Ends up(String tag, OurEsp.Transform t, boolean udp, boolean esn, boolean v6, String threads) throws Exception {
        Netns a = Netns.create(tag + "a");
        Netns b;
        try {
            b = Netns.create(tag + "b");
        } catch (Exception e) {
            a.close();
            throw e;
        }
        try {
            Netns.link(a, "veth0", "198.18.14.1/24", b, "veth0", "198.18.14.2/24");
            a.exec("ip", "-6", "addr", "add", "fd00:1814::1/64", "dev", "veth0", "nodad");
            b.exec("ip", "-6", "addr", "add", "fd00:1814::2/64", "dev", "veth0", "nodad");
            String outerA = v6 ? "fd00:1814::1" : "198.18.14.1", outerB = v6 ? "fd00:1814::2" : "198.18.14.2";
            Random r = new Random();
            String k1 = t.randomKey(r), k2 = t.randomKey(r);
            String id = (ProcessHandle.current().pid() % 10000) + tag;
            OurEsp ea = OurEsp.start(a, "ea" + id, logs, threads, OurEsp.tunnel(outerA, outerB, "10.80.0.1/32,fd00:80::1/128",
                    "10.80.0.2/32,fd00:80::2/128", t, udp, esn, k1, k2, 0x3001, 0x3002), "10.80.0.1/24", "fd00:80::1/64");
            OurEsp eb = OurEsp.start(b, "eb" + id, logs, threads, OurEsp.tunnel(outerB, outerA, "10.80.0.2/32,fd00:80::2/128",
                    "10.80.0.1/32,fd00:80::1/128", t, udp, esn, k2, k1, 0x3002, 0x3001), "10.80.0.2/24", "fd00:80::2/64");
            return new Ends(a, b, ea, eb);
        } catch (Exception e) {
            a.close();
            b.close();
            throw e;
        }
    }

    @ParameterizedTest(name = "{0}, udp={1}, esn={2}, threads {3}")
    @CsvSource({"GCM128,false,false,lane", "GCM256,true,true,split", "CHACHA,false,true,split", "CHACHA,true,false,lane"})
    void oursBothEnds(OurEsp.Transform t, boolean udp, boolean esn, String threads) throws Exception {
        try (Ends e = up("es" + t.ordinal() + (udp ? "u" : "r"), t, udp, esn, false, threads)) {
            assertTrue(Measure.firstContactMs(e.a, "10.80.0.2", 10_000) >= 0, "IPv4 inside");
            assertTrue(Files.readString(logs.resolve(e.ea.iface + ".log")).contains("threads " + threads), "ours runs threads " + threads);
            assertEquals(0, e.a.status("ping", "-c", "2", "-W", "2", "fd00:80::2"), "IPv6 inside");
            assertEquals(0, e.b.status("ping", "-c", "2", "-W", "2", "10.80.0.1"), "the other way");
            // a fixed amount of TCP data must arrive whole (speed is the benchmark's business; this JVM is still cold)
            Measure.Transfer ab = Measure.iperfBytes(e.a, e.b, "10.80.0.2", 16 << 20, 120);
            System.out.printf("esp %s udp=%s esn=%s threads %s: iperf3 16 MB at %.2f Gbit/s%n", t, udp, esn, threads, ab.gbps());
            assertTrue(ab.delivered(16 << 20), "TCP: " + ab);
            assertTrue(e.ea.ctl("show").contains(udp ? "ESP-in-UDP on port 4500" : "raw ESP over IPv4"), e.ea.ctl("show"));
        }
    }

    /** IPv6 outside: raw ESP on an IPv6 raw socket, and ESP-in-UDP from the dual-stack socket. */
    @ParameterizedTest(name = "udp={0}")
    @CsvSource({"false", "true"})
    void ipv6Underlay(boolean udp) throws Exception {
        try (Ends e = up("es6" + (udp ? "u" : "r"), OurEsp.Transform.GCM128, udp, false, true, "lane")) {
            assertTrue(Measure.firstContactMs(e.a, "10.80.0.2", 10_000) >= 0, "IPv4 inside, IPv6 outside");
            assertEquals(0, e.b.status("ping", "-c", "2", "-W", "2", "fd00:80::1"), "IPv6 inside, IPv6 outside");
            assertTrue(e.ea.ctl("show").contains(udp ? "ESP-in-UDP on port 4500" : "raw ESP over IPv6"), e.ea.ctl("show"));
            Measure.Transfer t = Measure.iperfBytes(e.a, e.b, "10.80.0.2", 8 << 20, 120);
            assertTrue(t.delivered(8 << 20), "TCP: " + t);
        }
    }

    @Test
    void deletedSaStopsItsTrafficAndANewOneRestoresIt() throws Exception {
        try (Ends e = up("esd", OurEsp.Transform.GCM128, false, false)) {
            assertTrue(Measure.firstContactMs(e.a, "10.80.0.2", 10_000) >= 0);
            e.ea.ctl("xfrm", "state", "del", "src", "198.18.14.1", "dst", "198.18.14.2", "proto", "esp", "spi", "0x3001");
            assertNotEquals(0, e.a.status("ping", "-c", "2", "-W", "1", "10.80.0.2"), "no SA: nothing leaves");
            assertTrue(e.ea.ctl("xfrm", "state", "list").contains("spi 0x00003002"), "the other SA stays");
            String key = OurEsp.Transform.GCM128.randomKey(new Random());
            e.ea.ctl("xfrm", "state", "add", "src", "198.18.14.1", "dst", "198.18.14.2", "proto", "esp", "spi", "0x3011", "reqid", "1",
                    "mode", "tunnel", "aead", "rfc4106(gcm(aes))", key, "128");
            e.eb.ctl("xfrm", "state", "add", "src", "198.18.14.1", "dst", "198.18.14.2", "proto", "esp", "spi", "0x3011", "reqid", "1",
                    "mode", "tunnel", "aead", "rfc4106(gcm(aes))", key, "128");
            assertEquals(0, e.a.status("ping", "-c", "2", "-W", "2", "10.80.0.2"), "a new SA carries it again");
            String states = e.ea.ctl("xfrm", "state", "list");
            assertTrue(states.contains("src 198.18.14.1 dst 198.18.14.2\n\tproto esp spi 0x00003011 reqid 1 mode tunnel\n"), states);
            assertTrue(e.ea.ctl("xfrm", "policy", "list").contains("src 10.80.0.1/32 dst 10.80.0.2/32\n\tdir out priority 0\n"));
        }
    }

    @Test
    void refusedLinesChangeNothing() throws Exception {
        try (Ends e = up("esr", OurEsp.Transform.CHACHA, true, false)) {
            String before = e.ea.ctl("xfrm", "state", "list");
            for (String[] bad : List.of(
                    new String[] {"xfrm", "state", "add", "src", "198.18.14.1", "dst", "198.18.14.2", "proto", "esp", "spi", "0x3001",
                            "aead", "rfc4106(gcm(aes))", "0x" + "00".repeat(20), "128", "encap", "espinudp", "4500", "4500", "0.0.0.0"},
                    new String[] {"xfrm", "state", "add", "src", "198.18.14.1", "dst", "198.18.14.2", "proto", "esp", "spi", "0x4001",
                            "aead", "rfc4106(gcm(aes))", "0x" + "00".repeat(20), "128"},
                    new String[] {"xfrm", "policy", "del", "src", "10.9.9.9/32", "dst", "10.9.9.8/32", "dir", "out"},
                    new String[] {"xfrm", "state", "add", "src", "198.18.14.1"},
                    new String[] {"frobnicate"})) {
                Command.Result r = e.a.result(ctl(e.ea, bad));
                assertEquals(1, r.status(), String.join(" ", bad) + ": " + r.output());
                assertTrue(r.output().startsWith("dataplane ctl: "), r.output());
            }
            assertEquals(before, e.ea.ctl("xfrm", "state", "list"));
            assertTrue(e.ea.process.isAlive());
            assertEquals(0, e.a.status("ping", "-c", "1", "-W", "2", "10.80.0.2"), "still carrying");
        }
    }

    private static String[] ctl(OurEsp esp, String... words) {
        return OurMode.ctl(esp.iface, words);
    }
}
