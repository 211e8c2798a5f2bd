package dev.dataplane.interop;

import dev.dataplane.netns.Netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Linux 6.12 network stack (kernel WireGuard, XFRM, vxlan) in a QEMU VM, attached to a test's namespace
 * through tap device {@code kp0}: the namespace side has {@code hostIp}/24, the guest's eth0 {@code guestIp}/24. The
 * guest runs {@code script} (bash, as root) at boot and prints its lines to the console, which {@link #console}
 * returns. Built once by `scripts/kernel-peer build` (which installs QEMU and unpacks Debian's kernel package);
 * where that cannot be done the test is skipped with the reason, and in CI it fails.
 */
final class KernelPeer implements AutoCloseable {
    private static volatile Path image;
    /** Set when a VM closes whose console shows the guest kernel crashed (an emulator fault, not a test result). */
    private static volatile String guestCrash;

    /** A test body that boots VMs. */
    interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body}, and once more if it failed while a guest kernel crashed under emulation (an oops or panic
     * on the VM's console: TCG now and then double-faults a busy guest). A failure without a guest crash is the
     * test's result and is thrown at once.
     */
    static void retryIfGuestCrashed(Body body) throws Exception {
        guestCrash = null;
        try {
            body.run();
        } catch (Exception | AssertionError e) {
            String crash = guestCrash;
            if (crash == null) throw e;
            System.err.println("kernel peer: the guest kernel crashed (" + crash + "); running the test once more");
            guestCrash = null;
            body.run();
        }
    }

    private final Process qemu;
    private final Path work;

    private KernelPeer(Process qemu, Path work) {
        this.qemu = qemu;
        this.work = work;
    }

    /** Builds the image if needed (minutes, once per machine); skips (or in CI fails) the test if it cannot. */
    static synchronized Path image() {
        if (image != null) return image;
        Path script = Path.of(System.getProperty("dataplane.home", "..")).resolve("scripts/kernel-peer").toAbsolutePath().normalize();
        if (!Files.isExecutable(script)) script = Path.of("../scripts/kernel-peer").toAbsolutePath().normalize();
        try {
            Path log = Files.createTempFile("kernel-peer-build", ".log");
            Process p = new ProcessBuilder(script.toString(), "build").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                Root.missing("kernel peer: building the VM image took over 20 minutes (log " + log + ")");
            }
            List<String> out = Files.readAllLines(log);
            if (p.exitValue() != 0) Root.missing("kernel peer: " + script + " build failed: " + String.join("\n", out.subList(Math.max(0, out.size() - 15), out.size())));
            image = Path.of(out.getLast().strip());
            return image;
        } catch (IOException e) {
            Root.missing("kernel peer: cannot run " + script + ": " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Boots the VM attached to {@code ns} and returns once {@code script} has finished in the guest. One CPU: with two,
     * QEMU's multi-threaded TCG now and then breaks the kernel's boot-time code patching (an int3 oops in
     * sched_clock_cpu, seen on these machines); a boot that fails anyway is tried once more.
     */
    static KernelPeer start(Netns ns, String hostIp, String guestIp, String script) throws IOException, InterruptedException {
        try {
            return boot(ns, hostIp, guestIp, script);
        } catch (IOException first) {
            ns.status("ip", "link", "del", "kp0");
            try {
                return boot(ns, hostIp, guestIp, script);
            } catch (IOException second) {
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    private static KernelPeer boot(Netns ns, String hostIp, String guestIp, String script) throws IOException, InterruptedException {
        Path dir = image();
        Path work = Files.createTempDirectory("kernel-peer-run");
        Path root = Files.createDirectories(work.resolve("root"));
        Files.writeString(root.resolve("run.sh"), "#!/bin/bash\nset -x\n" + script + "\n");
        root.resolve("run.sh").toFile().setExecutable(true);
        Process cpio = new ProcessBuilder("bash", "-c", "cd " + root + " && echo run.sh | cpio -o -H newc 2>/dev/null | gzip -1 > ../extra.cpio.gz"
                + " && cat " + dir.resolve("base.cpio.gz") + " ../extra.cpio.gz > ../initrd").inheritIO().start();
        if (cpio.waitFor() != 0) throw new IOException("kernel peer: making the initrd failed");
        ns.exec("ip", "tuntap", "add", "dev", "kp0", "mode", "tap");
        ns.exec("ip", "addr", "add", hostIp + "/24", "dev", "kp0");
        ns.exec("ip", "link", "set", "kp0", "up");
        Path console = work.resolve("console.log");
        Process qemu = ns.start(Map.of(), work.resolve("qemu.log"), "qemu-system-x86_64", "-accel", "tcg,thread=multi", "-cpu", "max",
                "-smp", "1", "-m", "768M", "-nographic", "-no-reboot", "-kernel", dir.resolve("vmlinux").toString(),
                "-initrd", work.resolve("initrd").toString(), "-append", "console=ttyS0 quiet panic=-1 kp.ip=" + guestIp + "/24",
                "-netdev", "tap,id=n0,ifname=kp0,script=no,downscript=no",
                // csum=off: the guest finishes its own checksums, as a real NIC would; a partial one would reach our
                // userspace socket unfinished, inside a VXLAN or ESP payload
                "-device", "virtio-net-pci,netdev=n0,csum=off",
                "-serial", "file:" + console, "-monitor", "none", "-display", "none");
        KernelPeer peer = new KernelPeer(qemu, work);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (peer.console().contains("KPEER-READY")) return peer;
            if (!qemu.isAlive()) break;
            Thread.sleep(250);
        }
        String log = peer.console();
        peer.close();
        throw new IOException("kernel peer did not come up:\n" + log);
    }

    /** The console once it shows {@code marker}, or as it is after {@code seconds}. */
    String awaitConsole(String marker, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String text;
        while (!(text = console()).contains(marker) && System.nanoTime() < deadline) Thread.sleep(250);
        return text;
    }

    /** Everything the guest printed so far. */
    String console() throws IOException {
        Path log = work.resolve("console.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        try {
            String console = console();
            for (String marker : new String[] {"Kernel panic", "Oops:", "double fault"}) {
                if (console.contains(marker)) guestCrash = marker;
            }
        } catch (IOException ignored) {
            // no console: nothing to judge
        }
        qemu.destroy();
        try {
            if (!qemu.waitFor(5, TimeUnit.SECONDS)) qemu.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory; nothing else to do
        }
    }
}
