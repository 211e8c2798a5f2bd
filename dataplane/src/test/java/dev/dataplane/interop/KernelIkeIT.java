package dev.dataplane.interop;

import dev.dataplane.netns.Netns;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our IKEv2 against strongSwan's charon using the kernel's XFRM (Linux 6.12 in the kernel-peer VM, charon with
 * kernel-netlink): charon initiates with flannel's proposals, the kernel carries ESP-in-UDP, pings go both ways.
 */
class KernelIkeIT {
    @BeforeEach
    void root() {
        Root.require();
        KernelPeer.image();
    }

    @Test
    void charonOnKernelXfrmInitiatesToUs() throws Exception {
        KernelPeer.retryIfGuestCrashed(KernelIkeIT::exchange);
    }

    private static void exchange() throws Exception {
        byte[] k = new byte[32];
        new java.security.SecureRandom().nextBytes(k);
        String psk = HexFormat.of().formatHex(k);
        String host = "198.18.14.1", guest = "198.18.14.2";
        String guestConf = conf(guest, host, "10.80.0.2/32", "10.80.0.1/32", "start", psk);
        String script = """
                ip addr add 10.80.0.2/32 dev lo
                if [ ! -x /usr/lib/ipsec/charon ]; then echo GUEST-NO-CHARON; exit 0; fi
                mkdir -p /etc/swanctl
                cat > /etc/strongswan.conf <<'CONF'
                charon {
                    load = random nonce openssl pem pkcs1 x509 revocation constraints pubkey kdf aes sha1 sha2 hmac gmp gcm kernel-netlink socket-default vici
                    filelog {
                        f {
                            path = /tmp/charon.log
                            default = 1
                        }
                    }
                }
                swanctl {
                    load = random nonce openssl pem pkcs1 pkcs8 x509 revocation constraints pubkey
                }
                CONF
                cat > /etc/swanctl/swanctl.conf <<'CONF'
                %s
                CONF
                /usr/lib/ipsec/charon > /tmp/charon.out 2>&1 &
                for i in $(seq 150); do [ -S /run/charon.vici ] && break; sleep 0.2; done
                swanctl --load-all > /tmp/load.out 2>&1 && echo GUEST-IKE-LOADED || cat /tmp/load.out /tmp/charon.out /tmp/charon.log
                (for i in $(seq 90); do ping -c 1 -W 2 -I 10.80.0.2 10.80.0.1 > /dev/null && echo GUEST-IKE-PING-OK && break; sleep 1; done
                 grep -E "established|failed|AUTHENTICATION|NO_PROPOSAL" /tmp/charon.log | head -10
                 ip xfrm state list | grep -E "^src|proto|encap|aead" | head -8
                 echo GUEST-IKE-DONE) &
                """.formatted(guestConf);
        try (Netns ns = Netns.create("kpi")) {
            try (KernelPeer vm = KernelPeer.start(ns, host, guest, script)) {
                if (vm.console().contains("GUEST-NO-CHARON")) Root.missing("the kernel-peer image has no charon (install strongswan-charon, then scripts/kernel-peer build)");
                assertTrue(vm.console().contains("GUEST-IKE-LOADED"), "charon in the guest took its configuration:\n" + vm.console());
                Path dir = Files.createTempDirectory("kernel-ike");
                String iface = "kpi" + (ProcessHandle.current().pid() % 10000);
                Path ours = dir.resolve("ours.conf");
                Files.writeString(ours, conf(host, guest, "10.80.0.1/32", "10.80.0.2/32", "none", psk));
                ns.exec("ip", "addr", "add", "10.80.0.1/32", "dev", "lo");
                OurMode.start(ns, iface, dir, List.of("--mode", "esp", "--swanctl", ours.toString()));
                ns.exec("ip", "link", "set", iface, "up");
                String console = vm.awaitConsole("GUEST-IKE-DONE", 150);
                String log = Files.readString(dir.resolve(iface + ".log"));
                assertTrue(console.contains("GUEST-IKE-PING-OK"), "kernel -> ours through the negotiated SAs:\n" + console + "\n" + log);
                assertTrue(console.contains("espinudp"), "the kernel's SAs are ESP-in-UDP:\n" + console);
                assertEquals(0, ns.status("ping", "-c", "3", "-W", "5", "-I", "10.80.0.1", "10.80.0.2"), "ours -> kernel\n" + log);
                assertTrue(log.contains("CHILD_SA net established"), log);
            }
        }
    }

    private static String conf(String local, String remote, String localTs, String remoteTs, String start, String psk) {
        return dev.dataplane.demo.StrongSwanPeer.pskConnection("flannel", local, remote, localTs, remoteTs, "aes256-sha256-modp4096",
                "aes128gcm16-sha256-prfsha256-ecp256", start, psk);
    }
}
