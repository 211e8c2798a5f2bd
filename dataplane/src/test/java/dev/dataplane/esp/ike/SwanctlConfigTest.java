package dev.dataplane.esp.ike;

import dev.dataplane.encap.ike.Proposal;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwanctlConfigTest {
    static final String FLANNEL = """
            # what flannel's ipsec backend loads into charon, as a file
            connections {
                flannel {
                    version = 2
                    local_addrs = 198.18.0.2
                    remote_addrs = 198.18.0.1
                    proposals = aes256-sha256-modp4096
                    keyingtries = 0
                    local {
                        auth = psk
                        id = 198.18.0.2
                    }
                    remote {
                        auth = psk
                        id = 198.18.0.1
                    }
                    children {
                        net {
                            mode = tunnel
                            local_ts = 10.42.2.0/24
                            remote_ts = 10.42.1.0/24
                            esp_proposals = aes128gcm16-sha256-prfsha256-ecp256
                            rekey_time = 1h
                            start_action = start
                            close_action = trap
                            dpd_action = restart
                            install_policy = no
                        }
                    }
                }
            }
            secrets {
                ike-flannel {
                    id-1 = 198.18.0.2
                    id-2 = 198.18.0.1
                    secret = "not so secret"
                }
            }
            """;

    @Test
    void readsFlannelsConnection() {
        SwanctlConfig c = SwanctlConfig.parse(FLANNEL);
        SwanctlConfig.Connection f = c.connections().getFirst();
        assertEquals("198.18.0.1", f.remote().getHostAddress());
        assertEquals(0, f.keyingTries());
        assertEquals(List.of(new Proposal.Transform(Proposal.ENCR, 12, 256), new Proposal.Transform(Proposal.PRF, 5, 0),
                new Proposal.Transform(Proposal.INTEG, 12, 0), new Proposal.Transform(Proposal.DH, 16, 0)), f.proposals().getFirst());
        SwanctlConfig.Child net = f.children().getFirst();
        assertEquals("10.42.2.0/24", net.localTs().getFirst().toString());
        assertEquals(3600, net.rekeySeconds());
        assertEquals(false, net.installPolicy());
        // AEAD: sha256 dropped, prfsha256 meaningless for ESP, the PFS group kept, no ESN said explicitly
        assertEquals(List.of(new Proposal.Transform(Proposal.ENCR, 20, 128), new Proposal.Transform(Proposal.DH, 19, 0),
                new Proposal.Transform(Proposal.ESN, 0, 0)), net.espProposals().getFirst());
        assertArrayEquals("not so secret".getBytes(), c.psk(Identity.parse("198.18.0.2"), Identity.parse("198.18.0.1")));
    }

    @Test
    void anythingUnsupportedNamesItsLine() {
        String[][] cases = {
                {"remote_addrs = 198.18.0.1", "remote_addrs = peer.example.com", "line 6"},
                {"proposals = aes256-sha256-modp4096", "proposals = aes256-sha256-modp1024", "line 7"},
                {"auth = psk", "auth = pubkey", "line 10"},
                {"mode = tunnel", "mode = transport", "line 19"},
                {"esp_proposals = aes128gcm16-sha256-prfsha256-ecp256", "esp_proposals = aes128-sha256", "line 22"},
                {"rekey_time = 1h", "rekey_time = soon", "line 23"},
                {"close_action = trap", "close_action = trap\n                        mark_in = 7", "line 26"},
                {"secret = \"not so secret\"", "secret = 0xzz", "line 36"},
                {"version = 2", "version = 1", "line 4"},
        };
        for (String[] c : cases) {
            String text = FLANNEL.replaceFirst(java.util.regex.Pattern.quote(c[0]), java.util.regex.Matcher.quoteReplacement(c[1]));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SwanctlConfig.parse(text), c[1]);
            assertTrue(e.getMessage().startsWith(c[2] + ":"), c[1] + " -> " + e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> SwanctlConfig.parse("connections {\n"));
        assertThrows(IllegalArgumentException.class, () -> SwanctlConfig.parse("}"));
        assertThrows(IllegalArgumentException.class, () -> SwanctlConfig.parse("include /etc/swanctl/conf.d/*.conf"));
        assertThrows(IllegalArgumentException.class, () -> SwanctlConfig.parse("connections {\n a : b {\n }\n}"));
    }

    @Test
    void randomTextIsAnErrorNeverACrash() {
        java.util.Random r = new java.util.Random(11);
        String alphabet = "{}=#\"\n abcdefgilnoprstuvx0123456789./-_:";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int j = r.nextInt(80); j > 0; j--) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            try {
                SwanctlConfig.parse(sb.toString());
            } catch (IllegalArgumentException expected) {
                // the only failure allowed
            }
        }
    }
}
