package dev.dataplane.demo;

import dev.dataplane.os.Command;
import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * strongSwan's charon (Debian's 5.9.8) in a namespace as a userspace IPsec peer, for the IKE tests and the
 * benchmark: the kernel-libipsec plugin does ESP itself over a TUN device (for kernels without ESP), loaded before
 * kernel-netlink; its own VICI socket; a private /run (its pid file path is fixed) bound over /run in a mount
 * namespace of its own. Driven with swanctl.
 */
public final class StrongSwanPeer implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/lib/ipsec/charon");
    public static final Path LIBIPSEC = Path.of("/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so");
    private static final String LOAD = "random nonce openssl pem pkcs1 x509 revocation constraints pubkey kdf aes sha1 sha2 hmac gmp gcm "
            + "kernel-libipsec kernel-netlink socket-default vici updown";

    final Netns ns;
    final Path dir;
    private final Process process;

    private StrongSwanPeer(Netns ns, Path dir, Process process) {
        this.ns = ns;
        this.dir = dir;
        this.process = process;
    }

    /** Starts charon in {@code ns} with {@code swanctlConf}, loads it, and returns once VICI answers. */
    /**
     * A swanctl.conf with one PSK connection NAME of one tunnel-mode child "net" and its secret: the shape flannel's
     * ipsec backend loads, for charon and for our --swanctl alike. {@code startAction} none or start; start also
     * sets close_action = start.
     */
    public static String pskConnection(String name, String local, String remote, String localTs, String remoteTs, String ike, String esp,
                                       String startAction, String psk) {
        return """
                connections {
                    %s {
                        version = 2
                        local_addrs = %s
                        remote_addrs = %s
                        proposals = %s
                        encap = yes
                        keyingtries = 1
                        local {
                            auth = psk
                            id = %s
                        }
                        remote {
                            auth = psk
                            id = %s
                        }
                        children {
                            net {
                                mode = tunnel
                                local_ts = %s
                                remote_ts = %s
                                esp_proposals = %s
                                rekey_time = 1h
                                start_action = %s
                                close_action = %s
                            }
                        }
                    }
                }
                secrets {
                    ike-%s {
                        id-1 = %s
                        id-2 = %s
                        secret = 0x%s
                    }
                }
                """.formatted(name, local, remote, ike, local, remote, localTs, remoteTs, esp, startAction,
                startAction.equals("start") ? "start" : "none", name, local, remote, psk);
    }

    /** Is charon with kernel-libipsec installed here? */
    public static boolean installed() {
        return Files.isExecutable(BINARY) && Files.exists(LIBIPSEC);
    }

    public static StrongSwanPeer start(Netns ns, Path dir, String swanctlConf) throws IOException, InterruptedException {
        return start(ns, dir, swanctlConf, "");
    }

    /** The same with more lines in strongswan.conf's charon section (e.g. "fragment_size = 576"). */
    public static StrongSwanPeer start(Netns ns, Path dir, String swanctlConf, String charonSettings) throws IOException, InterruptedException {
        if (!installed()) throw new IOException("strongSwan's charon with kernel-libipsec is not installed (strongswan-charon, libcharon-extra-plugins)");
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("swanctl"));
        Files.writeString(dir.resolve("strongswan.conf"), """
                charon {
                    %s
                    load = %s
                    plugins {
                        vici {
                            socket = unix://%s/run/charon.vici
                        }
                    }
                    filelog {
                        test {
                            path = %s/charon.log
                            default = 1
                            ike = 2
                            flush_line = yes
                            time_format = %%T
                        }
                    }
                    syslog {
                        daemon {
                            default = -1
                        }
                    }
                }
                swanctl {
                    load = random nonce openssl pem pkcs1 pkcs8 x509 revocation constraints pubkey
                    socket = unix://%s/run/charon.vici
                }
                """.formatted(charonSettings, LOAD, dir, dir, dir));
        Files.writeString(dir.resolve("swanctl/swanctl.conf"), swanctlConf);
        Process p = ns.start(Map.of("STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString()), dir.resolve("charon.stdout"),
                "unshare", "-m", "--propagation", "private", "sh", "-c", "mount --bind \"$0\" /run && exec " + BINARY, dir.resolve("run").toString());
        StrongSwanPeer c = new StrongSwanPeer(ns, dir, p);
        Path vici = dir.resolve("run/charon.vici");
        for (int i = 0; i < 100 && !Files.exists(vici); i++) {
            if (!p.isAlive()) break;
            Thread.sleep(100);
        }
        if (!Files.exists(vici)) {
            c.close();
            throw new IOException("charon did not start: " + c.log());
        }
        c.swanctl("--load-all", "--file", dir.resolve("swanctl/swanctl.conf").toString());
        return c;
    }

    /** `swanctl ARGS…` against this charon; its output, or an exception with it. */
    public String swanctl(String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of("env", "STRONGSWAN_CONF=" + dir.resolve("strongswan.conf"), "swanctl"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--uri", "unix://" + dir.resolve("run/charon.vici")));
        return ns.exec(cmd.toArray(String[]::new));
    }

    public Command.Result swanctlResult(String... args) throws IOException {
        List<String> cmd = new java.util.ArrayList<>(List.of("env", "STRONGSWAN_CONF=" + dir.resolve("strongswan.conf"), "swanctl"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--uri", "unix://" + dir.resolve("run/charon.vici")));
        return ns.result(cmd.toArray(String[]::new));
    }

    public String log() {
        try {
            Path log = dir.resolve("charon.log");
            return Files.exists(log) ? Files.readString(log) : "(no charon log)";
        } catch (IOException e) {
            return "";
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Stops charon (SIGTERM, then SIGKILL after 5 s); its TUN device goes with it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
