package dev.dataplane.interop;

import dev.dataplane.os.Command;
import dev.dataplane.demo.StrongSwanPeer;
import dev.dataplane.netns.Netns;
import dev.dataplane.uapi.ControlClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IKEv2 between our ESP device (`--swanctl FILE`) and strongSwan's charon (userspace ESP through kernel-libipsec),
 * each in its own namespace, with one swanctl.conf syntax on both sides: flannel's proposals (IKE
 * aes256-sha256-modp4096, ESP aes128gcm16-sha256-prfsha256-ecp256) and ChaCha20-Poly1305 with X25519, each side
 * initiating, a wrong PSK, and a terminate.
 */
@Timeout(300)
class IkeIT {
    private static final String US = "198.18.0.2", CHARON = "198.18.0.1";
    private static final String OUR_POD = "10.42.2.1", CHARON_POD = "10.42.1.1";
    private static final String FLANNEL_IKE = "aes256-sha256-modp4096", FLANNEL_ESP = "aes128gcm16-sha256-prfsha256-ecp256";

    private Netns a, b;
    private Path dir;
    private StrongSwanPeer charon;
    private Process ours;
    private String iface;

    @BeforeEach
    void namespaces() throws Exception {
        Root.require();
        if (!StrongSwanPeer.installed()) Root.missing("strongSwan's charon with kernel-libipsec is not installed (strongswan-charon, libcharon-extra-plugins)");
        dir = Files.createTempDirectory("ike-it");
        a = Netns.create("ikea");
        b = Netns.create("ikeb");
        Netns.link(a, "va", CHARON + "/24", b, "vb", US + "/24");
        a.exec("ip", "addr", "add", CHARON_POD + "/32", "dev", "lo");
        b.exec("ip", "addr", "add", OUR_POD + "/32", "dev", "lo");
        iface = OurVxlan.uniqueName("ike");
    }

    @AfterEach
    void tearDown() {
        if (charon != null) charon.close();   // a test without charon has none
        if (b != null) b.close();   // stops our device
        if (a != null) a.close();
    }

    /** One side's swanctl.conf: the same syntax for charon and for us. */
    private static String swanctl(String local, String remote, String localTs, String remoteTs, String ike, String esp, String start, String psk) {
        return StrongSwanPeer.pskConnection("flannel", local, remote, localTs, remoteTs, ike, esp, start, psk);
    }

    private void startBoth(String ike, String esp, boolean weInitiate, String ourPsk, String charonPsk) throws Exception {
        startBoth(ike, esp, weInitiate, ourPsk, charonPsk, List.of(), "");
    }

    private void startBoth(String ike, String esp, boolean weInitiate, String ourPsk, String charonPsk, List<String> ourJvm,
                           String charonSettings) throws Exception {
        charon = StrongSwanPeer.start(a, dir.resolve("charon"), swanctl(CHARON, US, "10.42.1.0/24", "10.42.2.0/24", ike, esp, "none", charonPsk),
                charonSettings);
        Path conf = dir.resolve("ours.conf");
        Files.writeString(conf, swanctl(US, CHARON, "10.42.2.0/24", "10.42.1.0/24", ike, esp, weInitiate ? "start" : "none", ourPsk));
        ours = OurMode.start(b, iface, dir, ourJvm, List.of("--mode", "esp", "--swanctl", conf.toString()));
        b.exec("ip", "link", "set", iface, "up");
    }

    private static String psk() {
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        return HexFormat.of().formatHex(k);
    }

    private String ourLog() {
        try {
            return Files.readString(dir.resolve(iface + ".log"));
        } catch (IOException e) {
            return "";
        }
    }

    private String ctl(String... words) throws IOException {
        return b.exec(OurMode.ctl(iface, words));
    }

    private boolean ping(Netns from, String src, String dst, int tries) throws Exception {
        for (int i = 0; i < tries; i++) {
            if (from.result("ping", "-c", "1", "-W", "1", "-I", src, dst).status() == 0) return true;
            Thread.sleep(200);
        }
        return false;
    }

    private void assertTunnel() throws Exception {
        assertTrue(ping(b, OUR_POD, CHARON_POD, 20), "ours -> charon\n" + ourLog() + "\ncharon:\n" + charon.log());
        assertTrue(ping(a, CHARON_POD, OUR_POD, 5), "charon -> ours\n" + ourLog());
        a.start(java.util.Map.of(), dir.resolve("iperf-server.log"), "iperf3", "-s", "-1", "-B", CHARON_POD);
        Thread.sleep(300);
        String out = b.exec("iperf3", "-c", CHARON_POD, "-B", OUR_POD, "-t", "2");
        assertTrue(out.contains("receiver"), out);
    }

    private void waitEstablished() throws Exception {
        for (int i = 0; i < 100; i++) {
            if (ctl("ike", "list").contains("ESTABLISHED") && ctl("ike", "list").contains("reqid")) return;
            Thread.sleep(100);
        }
        throw new AssertionError("no IKE SA with a CHILD SA on our side\n" + ourLog() + "\ncharon:\n" + charon.log());
    }

    /** Each side initiating, with flannel's exact proposals and with ChaCha20-Poly1305 and X25519: ping both ways and iperf3. */
    @ParameterizedTest(name = "{0} initiates, {1}")
    @CsvSource({"charon,flannel", "ours,flannel", "charon,chacha", "ours,chacha"})
    void establishAndCarry(String initiator, String proposals) throws Exception {
        boolean flannel = proposals.equals("flannel");
        String ike = flannel ? FLANNEL_IKE : "aes256gcm16-prfsha256-x25519";
        String esp = flannel ? FLANNEL_ESP : "chacha20poly1305-prfsha256-x25519";
        String psk = psk();
        startBoth(ike, esp, initiator.equals("ours"), psk, psk);
        if (initiator.equals("charon")) assertTrue(charon.swanctl("--initiate", "--child", "net", "--timeout", "20").contains("successfully"));
        waitEstablished();
        String sas = charon.swanctl("--list-sas");
        if (flannel) {
            assertTrue(sas.contains("AES_CBC-256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_4096"), sas);
            assertTrue(sas.contains("AES_GCM_16-128"), sas);
            assertTrue(ctl("ike", "list").contains("AES_GCM_16_128"), ctl("ike", "list"));
        } else {
            assertTrue(sas.contains("AES_GCM_16-256/PRF_HMAC_SHA2_256/CURVE_25519"), sas);
            assertTrue(sas.contains("CHACHA20_POLY1305"), sas);
        }
        assertTunnel();
    }

    @Test
    void garbageOnBothIkePortsIsCountedAndChangesNothing() throws Exception {
        String psk = psk();
        startBoth(FLANNEL_IKE, FLANNEL_ESP, true, psk, psk);
        waitEstablished();
        // 300 random datagrams to port 500, and 300 behind the non-ESP marker on 4500 (where IKE goes after NAT-T)
        a.exec("sh", "-c", "for i in $(seq 300); do head -c $((28 + i % 200)) /dev/urandom > /tmp/g.$$; "
                + "nc -u -w0 " + US + " 500 < /tmp/g.$$; printf '\\0\\0\\0\\0' | cat - /tmp/g.$$ | nc -u -w0 " + US + " 4500; done; rm -f /tmp/g.$$");
        Thread.sleep(500);
        String list = ctl("ike", "list");
        assertTrue(list.matches("(?s)dropped [1-9][0-9]* IKE messages\n.*ESTABLISHED.*"), list);
        assertTrue(ping(b, OUR_POD, CHARON_POD, 10), ourLog());
        assertTrue(ourLog().split("ike: dropped a message").length <= 3, "rate-limited log:\n" + ourLog());
    }

    @Test
    void terminateTellsThePeer() throws Exception {
        String psk = psk();
        startBoth(FLANNEL_IKE, FLANNEL_ESP, true, psk, psk);
        waitEstablished();
        assertTrue(ping(b, OUR_POD, CHARON_POD, 20), ourLog());
        assertTrue(ctl("ike", "terminate", "flannel").contains("terminating"));
        for (int i = 0; i < 50 && charon.swanctl("--list-sas").contains("ESTABLISHED"); i++) Thread.sleep(100);
        assertFalse(charon.swanctl("--list-sas").contains("ESTABLISHED"), charon.swanctl("--list-sas"));
        assertEquals("", ctl("ike", "list").strip());
        assertFalse(ping(b, OUR_POD, CHARON_POD, 2));
    }

    @Test
    void rekeysInBothDirectionsMidTransferKeepTheConnection() throws Exception {
        String psk = psk();
        startBoth(FLANNEL_IKE, FLANNEL_ESP, false, psk, psk);
        charon.swanctl("--initiate", "--child", "net", "--timeout", "20");
        waitEstablished();
        String firstSpis = ctl("ike", "list");
        a.start(java.util.Map.of(), dir.resolve("iperf-server.log"), "iperf3", "-s", "-1", "-B", CHARON_POD);
        Thread.sleep(300);
        Process iperf = b.start(java.util.Map.of(), dir.resolve("iperf-client.log"), "iperf3", "-c", CHARON_POD, "-B", OUR_POD, "-t", "20");
        Thread.sleep(1000);
        // Each step waits for the one before to finish on both sides: under the flood charon's socket drops datagrams,
        // so an exchange may take one of its retransmissions (4 s, then 7 s).
        charon.swanctl("--rekey", "--child", "net");          // CHILD rekey, charon initiates (with ECP-256 PFS)
        awaitLog("CHILD_SA net rekeyed", 1, "CHILD_SA net [0-9a-f]{8}_i deleted", 1);
        charon.swanctl("--rekey", "--ike", "flannel");        // IKE rekey, charon initiates, then deletes the old IKE SA
        awaitLog("IKE_SA rekeyed", 1, "IKE_SA deleted", 1);
        ctl("ike", "rekey", "net");                          // CHILD rekey, we initiate
        awaitLog("CHILD_SA net rekeyed", 2, "CHILD_SA net [0-9a-f]{8}_i deleted", 2);
        ctl("ike", "rekey", "flannel");                      // IKE rekey, we initiate
        awaitLog("IKE_SA rekeyed", 2, "IKE_SA deleted", 2);
        assertTrue(iperf.waitFor(40, java.util.concurrent.TimeUnit.SECONDS));
        String out = Files.readString(dir.resolve("iperf-client.log"));
        assertTrue(out.contains("receiver") && !out.contains("error"), out + "\n" + ourLog());
        String now = ctl("ike", "list");
        assertEquals(1, now.split("reqid", -1).length - 1, "one CHILD SA after the rekeys: " + now);
        assertEquals(1, now.split("ESTABLISHED", -1).length - 1, "one IKE SA after the rekeys: " + now);
        assertFalse(now.equals(firstSpis));
        String sas = charon.swanctl("--list-sas");
        assertEquals(1, sas.split("INSTALLED", -1).length - 1, sas);
        assertTrue(ping(b, OUR_POD, CHARON_POD, 5) && ping(a, CHARON_POD, OUR_POD, 5), ourLog());
    }

    /**
     * Rekeys that cross (RFC 7296 §2.8, §2.25): charon starts a CHILD rekey and then an IKE rekey, and each time
     * ours starts the same rekey while charon's request still waits (our device handles CREATE_CHILD_SA requests
     * 1.5 s late). Charon sees the collision; ours completes first and then refuses charon's request, which came
     * for an SA it is deleting or has deleted (§2.25): each end keeps exactly one IKE SA and one CHILD SA, and
     * traffic flows.
     */
    @Test
    void crossingRekeysWithCharonLeaveOneSaOnEachEnd() throws Exception {
        String psk = psk();
        startBoth(FLANNEL_IKE, FLANNEL_ESP, true, psk, psk, List.of("-Ddataplane.ikeCreateChildDelayMs=1500"), "");
        waitEstablished();
        for (String[] rekey : List.of(new String[] {"--child", "net", "CHILD_REKEY"}, new String[] {"--ike", "flannel", "IKE_REKEY"})) {
            Thread charonRekey = Thread.ofPlatform().start(() -> {
                try {
                    charon.swanctl("--rekey", rekey[0], rekey[1]);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int requests = count(charon.log(), "generating CREATE_CHILD_SA request");
            for (int i = 0; i < 100 && count(charon.log(), "generating CREATE_CHILD_SA request") == requests; i++) Thread.sleep(20);
            // charon's request is on its way and waits at ours: ours starts the same rekey straight away (no ctl JVM to start)
            assertTrue(ControlClient.send(iface, "ike rekey " + rekey[1]).ok());
            charonRekey.join(30_000);
            assertTrue(eventually(charon::log, "detected " + rekey[2] + " collision"), charon.log());
        }
        awaitLog("CHILD_SA net rekeyed", 1, "IKE_SA rekeyed", 1);
        Thread.sleep(2000);   // the DELETEs of the old SAs
        assertOneSaEach(ctl("ike", "list"), charon.swanctl("--list-sas"));
        assertTrue(ping(b, OUR_POD, CHARON_POD, 10) && ping(a, CHARON_POD, OUR_POD, 5), ourLog() + "\n" + charon.log());
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    private void assertOneSaEach(String ours, String charons) {
        assertEquals(1, ours.split("ESTABLISHED", -1).length - 1, "our IKE SAs: " + ours + "\n" + ourLog());
        assertEquals(1, ours.split("reqid", -1).length - 1, "our CHILD SAs: " + ours + "\n" + ourLog());
        assertEquals(1, charons.split("ESTABLISHED", -1).length - 1, "charon's IKE SAs: " + charons);
        assertEquals(1, charons.split("INSTALLED", -1).length - 1, "charon's CHILD SAs: " + charons);
    }

    /** Waits up to 20 s until our log has {@code n1} lines matching {@code r1} and {@code n2} matching {@code r2}; then exactly those. */
    private void awaitLog(String r1, int n1, String r2, int n2) throws Exception {
        java.util.regex.Pattern p1 = java.util.regex.Pattern.compile(r1), p2 = java.util.regex.Pattern.compile(r2);
        for (int i = 0; i < 200 && (p1.matcher(ourLog()).results().count() < n1 || p2.matcher(ourLog()).results().count() < n2); i++) {
            Thread.sleep(100);
        }
        String log = ourLog() + "\n--- charon:\n" + charon.log();
        assertEquals(n1, p1.matcher(ourLog()).results().count(), r1 + "\n" + log);
        assertEquals(n2, p2.matcher(ourLog()).results().count(), r2 + "\n" + log);
    }

    @Test
    void charonRestartedTheSasComeBack() throws Exception {
        String psk = psk();
        startBoth(FLANNEL_IKE, FLANNEL_ESP, true, psk, psk);
        waitEstablished();
        assertTrue(ping(b, OUR_POD, CHARON_POD, 20), ourLog());
        charon.close();   // SIGTERM: charon deletes its SAs and tells us
        charon = StrongSwanPeer.start(a, dir.resolve("charon2"), swanctl(CHARON, US, "10.42.1.0/24", "10.42.2.0/24", FLANNEL_IKE, FLANNEL_ESP, "none", psk));
        for (int i = 0; i < 100 && !charon.swanctl("--list-sas").contains("INSTALLED"); i++) Thread.sleep(100);
        assertTrue(charon.swanctl("--list-sas").contains("INSTALLED"), ourLog() + "\n" + charon.log());
        assertTrue(ping(b, OUR_POD, CHARON_POD, 20), ourLog());
        assertTrue(ourLog().contains("setting it up again (close_action)"), ourLog());
    }

    @Test
    void underLoadACookieIsRequiredAndCharonReturnsIt() throws Exception {
        String psk = psk();
        startBoth(FLANNEL_IKE, FLANNEL_ESP, false, psk, psk, List.of("-Ddataplane.ikeCookieThreshold=0"), "");
        charon.swanctl("--initiate", "--child", "net", "--timeout", "20");
        waitEstablished();
        assertTrue(charon.log().contains("N(COOKIE)"), charon.log());
        assertTrue(ping(b, OUR_POD, CHARON_POD, 20), ourLog());
    }

    @Test
    void modp4096RekeysTravelInFragmentsOnASmallMtu() throws Exception {
        String psk = psk();
        startBoth(FLANNEL_IKE, FLANNEL_ESP, false, psk, psk, List.of("-Ddataplane.ikeFragmentSize=576"), "fragment_size = 576");
        charon.swanctl("--initiate", "--child", "net", "--timeout", "20");
        waitEstablished();
        charon.swanctl("--rekey", "--ike", "flannel");     // a 512-byte KE each way: more than 576 bytes per message
        awaitLog("IKE_SA rekeyed", 1, "IKE_SA deleted", 1);
        ctl("ike", "rekey", "flannel");
        awaitLog("IKE_SA rekeyed", 2, "IKE_SA deleted", 2);
        String log = charon.log();
        assertTrue(log.contains("generating CREATE_CHILD_SA request") && log.contains("EF(1/2)"), log);   // charon sent fragments
        assertTrue(log.contains("received fragment #2 of 2"), log);                                     // and reassembled ours
        assertTrue(java.util.regex.Pattern.compile("parsed CREATE_CHILD_SA request \\d+ \\[ EF\\(1/2\\) \\]").matcher(log).find(), log);
        assertTrue(ping(b, OUR_POD, CHARON_POD, 10), ourLog());
    }

    @Test
    void oursWithOursOverIke() throws Exception {
        String theirs = startOursAtBothEnds(conf -> conf, List.of());
        assertTrue(ping(b, OUR_POD, CHARON_POD, 20), ourLog());
        assertTrue(ping(a, CHARON_POD, OUR_POD, 5), ourLog());
        ctl("ike", "rekey", "net");
        ctl("ike", "rekey", "flannel");
        Thread.sleep(1000);
        assertTrue(ping(b, OUR_POD, CHARON_POD, 10), ourLog());
        assertTrue(a.exec(OurMode.ctl(theirs, "ike", "list")).contains("AES_GCM_16_256/ECP_256"), a.exec(OurMode.ctl(theirs, "ike", "list")));
    }

    /**
     * Both ends of ours rekey the same CHILD SA at once, then the same IKE SA (CREATE_CHILD_SA requests handled and
     * answered late, so that each end takes the other's request while its own waits): each sees the collision, both agree by
     * the nonces which new SA is redundant (§2.8.1, §2.8.2), one SA of each kind is left on each end, and a CHILD
     * rekey after that still works on the surviving IKE SA.
     */
    @Test
    void simultaneousRekeysOfOursWithOursAgreeOnTheSurvivor() throws Exception {
        // requests handled 0.3 s late (both ends have sent theirs before either takes the other's), answers sent
        // 0.6 s after that (each takes the other's request while its own waits)
        String theirs = startOursAtBothEnds(conf -> conf,
                List.of("-Ddataplane.ikeCreateChildDelayMs=300", "-Ddataplane.ikeCreateChildAnswerDelayMs=600"));
        Listing theirList = () -> a.exec(OurMode.ctl(theirs, "ike", "list"));
        Listing theirLog = () -> Files.readString(dir.resolve(theirs + ".log"));
        for (String[] rekey : List.of(new String[] {"net", "CHILD_SA net rekey collision"}, new String[] {"flannel", "IKE_SA rekey collision"})) {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    ControlClient.send(theirs, "ike rekey " + rekey[0]);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            go.countDown();
            assertTrue(ControlClient.send(iface, "ike rekey " + rekey[0]).ok());
            other.join(10_000);
            assertTrue(eventually(this::ourLog, rekey[1]) && eventually(theirLog, rekey[1]), ourLog() + "\n---\n" + theirLog.get());
            // exactly one end found its own SA redundant
            assertEquals(1, count(ourLog() + theirLog.get(), rekey[1] + ": ours is redundant"), ourLog() + "\n---\n" + theirLog.get());
            Thread.sleep(1500);   // the DELETEs
            for (String list : List.of(ctl("ike", "list"), theirList.get())) {
                assertEquals(1, list.split("ESTABLISHED", -1).length - 1, list + "\n" + ourLog() + "\n---\n" + theirLog.get());
                assertEquals(1, list.split("reqid", -1).length - 1, list + "\n" + ourLog() + "\n---\n" + theirLog.get());
            }
            assertTrue(ping(b, OUR_POD, CHARON_POD, 10) && ping(a, CHARON_POD, OUR_POD, 5), ourLog() + "\n---\n" + theirLog.get());
        }
        int rekeyed = count(ourLog(), "CHILD_SA net rekeyed");
        assertTrue(ControlClient.send(iface, "ike rekey net").ok());
        for (int i = 0; i < 50 && count(ourLog(), "CHILD_SA net rekeyed") == rekeyed; i++) Thread.sleep(100);
        assertEquals(rekeyed + 1, count(ourLog(), "CHILD_SA net rekeyed"), ourLog());
        assertTrue(ping(b, OUR_POD, CHARON_POD, 10), ourLog());
    }

    /** Rekeys on their own timers: a CHILD SA keeps rekeying after the IKE SA that negotiated it was rekeyed. */
    @Test
    void childSasKeepRekeyingOnTheirTimersAfterAnIkeRekey() throws Exception {
        // IKE SA every 3 s, CHILD SA every 5 s (each minus up to a tenth): the first CHILD rekey comes after an IKE rekey
        String theirs = startOursAtBothEnds(conf -> conf.replace("rekey_time = 1h", "rekey_time = 5s")
                .replace("keyingtries = 1", "keyingtries = 1\n        rekey_time = 3s"), List.of());
        String both = "";
        for (int i = 0; i < 150; i++) {
            both = ourLog() + Files.readString(dir.resolve(theirs + ".log"));
            if (count(both, "CHILD_SA net rekeyed") >= 2 && count(both, "IKE_SA rekeyed") >= 4) break;
            Thread.sleep(100);
        }
        assertTrue(count(both, "IKE_SA rekeyed") >= 4, both);      // two IKE rekeys, logged at both ends
        assertTrue(count(both, "CHILD_SA net rekeyed") >= 2, both); // a CHILD rekey after them, at both ends
        assertTrue(ping(b, OUR_POD, CHARON_POD, 10), ourLog());
    }

    @Test
    void overAnIpv6UnderlayWithIpv6AndIpv4Inside() throws Exception {
        a.exec("ip", "addr", "add", "fd00:198::1/64", "dev", "va", "nodad");
        b.exec("ip", "addr", "add", "fd00:198::2/64", "dev", "vb", "nodad");
        a.exec("ip", "addr", "add", "fd00:42:1::1/128", "dev", "lo");
        b.exec("ip", "addr", "add", "fd00:42:2::1/128", "dev", "lo");
        String psk = psk();
        charon = StrongSwanPeer.start(a, dir.resolve("charon"), swanctl("fd00:198::1", "fd00:198::2", "10.42.1.0/24,fd00:42:1::/64",
                "10.42.2.0/24,fd00:42:2::/64", FLANNEL_IKE, FLANNEL_ESP, "none", psk));
        Path conf = dir.resolve("ours.conf");
        Files.writeString(conf, swanctl("fd00:198::2", "fd00:198::1", "10.42.2.0/24,fd00:42:2::/64", "10.42.1.0/24,fd00:42:1::/64",
                FLANNEL_IKE, FLANNEL_ESP, "start", psk));
        ours = OurMode.start(b, iface, dir, List.of("--mode", "esp", "--swanctl", conf.toString()));
        b.exec("ip", "link", "set", iface, "up");
        waitEstablished();
        assertTrue(ping(b, "fd00:42:2::1", "fd00:42:1::1", 20), ourLog() + "\n" + charon.log());
        assertTrue(ping(b, OUR_POD, CHARON_POD, 5), ourLog());
        assertTrue(ping(a, "fd00:42:1::1", "fd00:42:2::1", 5), ourLog());
        assertTrue(ctl("ike", "list").contains("fd00:198:0:0:0:0:0:1") || ctl("ike", "list").contains("fd00:198::1"), ctl("ike", "list"));
    }

    /**
     * Ours in place of charon too (namespace a, 198.18.0.1, initiated by ours in b), AES-GCM-256 and ECP-256 for IKE
     * and ESP; {@code edit} changes both ends' swanctl.conf, {@code jvm} are both devices' JVM flags. Returns once
     * both ends have a CHILD SA; the result is a's device name.
     */
    private String startOursAtBothEnds(java.util.function.UnaryOperator<String> edit, List<String> jvm) throws Exception {
        String psk = psk(), theirs = OurVxlan.uniqueName("ike"), proposals = "aes256gcm16-prfsha256-ecp256";
        Path confA = dir.resolve("a.conf"), confB = dir.resolve("b.conf");
        Files.writeString(confA, edit.apply(swanctl(CHARON, US, "10.42.1.0/24", "10.42.2.0/24", proposals, proposals, "none", psk)));
        Files.writeString(confB, edit.apply(swanctl(US, CHARON, "10.42.2.0/24", "10.42.1.0/24", proposals, proposals, "start", psk)));
        OurMode.start(a, theirs, dir, jvm, List.of("--mode", "esp", "--swanctl", confA.toString()));
        a.exec("ip", "link", "set", theirs, "up");
        ours = OurMode.start(b, iface, dir, jvm, List.of("--mode", "esp", "--swanctl", confB.toString()));
        b.exec("ip", "link", "set", iface, "up");
        waitEstablishedWith(() -> a.exec(OurMode.ctl(theirs, "ike", "list")));
        return theirs;
    }

    private interface Listing {
        String get() throws Exception;
    }

    /** Whether {@code text} shows up in {@code source} within 5 s. */
    private static boolean eventually(Listing source, String text) throws Exception {
        for (int i = 0; i < 50 && !source.get().contains(text); i++) Thread.sleep(100);
        return source.get().contains(text);
    }

    private void waitEstablishedWith(Listing other) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (ctl("ike", "list").contains("reqid") && other.get().contains("reqid")) return;
            Thread.sleep(100);
        }
        throw new AssertionError("no CHILD SA on both ends\n" + ourLog());
    }

    @Test
    void aWrongPskFailsClearlyOnBothSides() throws Exception {
        startBoth(FLANNEL_IKE, FLANNEL_ESP, false, psk(), psk());
        Command.Result r = charon.swanctlResult("--initiate", "--child", "net", "--timeout", "20");
        assertTrue(r.status() != 0, r.output());
        // swanctl returns when charon has our refusal; the two logs reach their files a moment later
        assertTrue(eventually(charon::log, "AUTHENTICATION_FAILED"), charon.log());
        assertTrue(eventually(this::ourLog, "authentication of 198.18.0.1 failed"), ourLog());
        assertEquals("", ctl("ike", "list").strip());
        assertFalse(ping(b, OUR_POD, CHARON_POD, 2));
    }
}
