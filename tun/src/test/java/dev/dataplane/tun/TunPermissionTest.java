package dev.dataplane.tun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Creating a TUN without CAP_NET_ADMIN says so: a child JVM runs under `capsh --drop=cap_net_admin`. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunPermissionTest {

    @Test
    void withoutCapNetAdminTheMessageSaysSo() throws Exception {
        Netns.assumeRoot();
        Path capsh = Path.of("/usr/sbin/capsh");
        Require.that(Files.isExecutable(capsh), "capsh (libcap2-bin) missing for the CAP_NET_ADMIN test");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String name = Netns.uniqueName("dpt");
        String child = String.join(" ", List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), CreateTunMain.class.getName(), name));
        Process p = new ProcessBuilder(capsh.toString(), "--drop=cap_net_admin", "--", "-c", "exec " + child)
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child JVM finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.contains("TunException") && out.contains("needs CAP_NET_ADMIN"), out);
        assertTrue(!Files.exists(Path.of("/sys/class/net", name)), "nothing was created");
    }
}
