package dev.dataplane.esp;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XfrmLineTest {
    static final String GCM = "state add src 198.18.0.1 dst 198.18.0.2 proto esp spi 0x1001 reqid 7 mode tunnel aead 'rfc4106(gcm(aes))' "
            + "0x000102030405060708090a0b0c0d0e0f10111213 128";

    @Test
    void takesWhatIpXfrmTakes() {
        XfrmLine l = XfrmLine.parse(GCM + " encap espinudp 4500 4500 0.0.0.0 replay-window 32 flag esn");
        assertEquals(XfrmLine.Op.STATE_ADD, l.op);
        SecurityAssociation sa = l.state;
        assertEquals(0x1001, sa.spi);
        assertEquals(7, sa.reqid);
        assertEquals(16, sa.aead.icvLen());
        assertTrue(sa.encap && sa.esn);
        assertEquals(32, sa.replayWindow);
        assertEquals(4500, sa.endpoint.port());
        assertEquals(XfrmLine.Op.STATE_ADD, XfrmLine.parse("ip xfrm " + GCM).op, "a leading ip xfrm is tolerated");
        XfrmLine c = XfrmLine.parse("state add src fd00::1 dst fd00::2 proto esp spi 4097 mode tunnel aead \"rfc7539esp(chacha20,poly1305)\" 0x"
                + "00".repeat(36) + " 128");
        assertEquals("rfc7539esp(chacha20,poly1305)", c.state.aead.name());
        SecurityPolicy p = XfrmLine.parse("policy add src 10.0.0.0/24 dst 10.0.1.0/24 dir out priority 5 tmpl src 198.18.0.1 "
                + "dst 198.18.0.2 proto esp reqid 7 mode tunnel").policy;
        assertEquals(SecurityPolicy.Direction.OUT, p.dir());
        assertEquals(24, p.dst().length);
        assertTrue(p.template(sa));
        assertEquals(XfrmLine.Op.POLICY_DEL, XfrmLine.parse("policy del src 10.0.0.0/24 dst 10.0.1.0/24 dir out").op);
        assertEquals(XfrmLine.Op.STATE_DEL, XfrmLine.parse("state del src 198.18.0.1 dst 198.18.0.2 proto esp spi 0x1001").op);
    }

    @Test
    void refusesWithTheReason() {
        List<String[]> bad = List.of(
                new String[] {GCM.replace("128", "100"), "ICV must be"},
                new String[] {GCM.replace("0x0001", "0x001"), "key must be"},
                new String[] {GCM.replace("0x0001", "0x0g"), "key must be"},
                new String[] {GCM.replace("13 128", "1314 128"), "takes a 16-"},
                new String[] {GCM.replace("rfc4106(gcm(aes))", "cbc(aes)"), "unsupported aead"},
                new String[] {GCM.replace("mode tunnel", "mode transport"), "only tunnel"},
                new String[] {GCM.replace("proto esp", "proto ah"), "only esp"},
                new String[] {GCM.replace("spi 0x1001", "spi 0"), "spi must be"},
                new String[] {GCM.replace("dst 198.18.0.2", "dst fd00::2"), "different families"},
                new String[] {GCM.replace("dst 198.18.0.2", "dst example.com"), "not an IPv4 or IPv6 address"},
                new String[] {GCM + " flag esn", "replay-window above 0"},
                new String[] {GCM + " flag noecn", "not supported"},
                new String[] {GCM + " replay-window 100000", "replay-window must be"},
                new String[] {GCM + " bogus", "unexpected \"bogus\""},
                new String[] {"state add src 198.18.0.1 dst 198.18.0.2 proto esp spi 1 enc aes 0x00 auth sha1 0x00", "not supported"},
                new String[] {"policy add src 10.0.0.0/33 dst 10.0.1.0/24 dir out tmpl src 1.1.1.1 dst 1.1.1.2 proto esp", "prefix length"},
                new String[] {"policy add src 10.0.0.0/24 dst 10.0.1.0/24 dir sideways tmpl src 1.1.1.1 dst 1.1.1.2 proto esp", "dir must be"},
                new String[] {"policy add src 10.0.0.0/24 dst 10.0.1.0/24 dir out", "needs tmpl"},
                new String[] {"policy add src 10.0.0.0/24 dst fd00::/64 dir out tmpl src 1.1.1.1 dst 1.1.1.2 proto esp", "different families"},
                new String[] {"state frobnicate", "unknown command"},
                new String[] {"", "expected state or policy"},
                new String[] {"state list extra", "unexpected"});
        for (String[] b : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> XfrmLine.parse(b[0]), b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void randomLinesNeverThrowAnythingElse() {
        java.util.Random r = new java.util.Random(9);
        String[] words = {"state", "policy", "add", "del", "list", "src", "dst", "proto", "esp", "spi", "0x10", "aead", "rfc4106(gcm(aes))",
                "0x" + "ab".repeat(20), "128", "encap", "espinudp", "4500", "dir", "out", "in", "tmpl", "10.0.0.0/8", "198.18.0.1",
                "fd00::1", "reqid", "mode", "tunnel", "flag", "esn", "replay-window", "-1", "\u0000", "'", "priority"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(16);
            for (int j = 0; j < n; j++) sb.append(words[r.nextInt(words.length)]).append(' ');
            try {
                XfrmLine.parse(sb.toString());
            } catch (IllegalArgumentException expected) {
                // a clear refusal is fine; anything else fails the test
            }
        }
    }
}
