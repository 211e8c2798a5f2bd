package dev.dataplane.esp;

import dev.dataplane.device.Clock;
import dev.dataplane.device.PacketDevice;
import dev.dataplane.encap.esp.EspPacket;
import dev.dataplane.tun.PacketBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.OutputStream;
import java.io.PrintStream;

import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ESP mode's per-packet work without the syscalls: policy lookup, sequence number, header, trailer and seal on
 * the way out; SPI lookup, open, replay window and inbound policy check on the way in; one packet out and back per
 * operation, per transform. Run with {@code -prof gc}: ChaCha20-Poly1305 allocates nothing, the JDK's AES-GCM
 * allocates its per-IV init (docs/esp.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-modules=jdk.incubator.vector",
        "--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED",
        "--add-opens=java.base/sun.security.util.math.intpoly=ALL-UNNAMED"})
public class EspPathBench {
    @Param({"rfc4106(gcm(aes))/20", "rfc7539esp(chacha20,poly1305)/36"})
    public String transform;

    @Param({"64", "1400"})
    public int size;

    private EspDevice a, b;
    private EspEncap encap;
    private EspDecap decap;
    private PacketBatch out, in;

    @Setup
    public void setUp() {
        String[] t = transform.split("/");
        int port = 40000 + (int) (System.nanoTime() % 20000);
        String sa = "state add src 198.18.0.1 dst 198.18.0.2 proto esp spi 0x100 reqid 1 mode tunnel aead '" + t[0] + "' 0x"
                + "5a".repeat(Integer.parseInt(t[1])) + " 128 encap espinudp " + port + " " + (port + 1) + " 0.0.0.0 replay-window 64";
        a = new EspDevice("espa", PacketDevice.unattached(1400), Clock.SYSTEM, port, new PrintStream(OutputStream.nullOutputStream()));
        a.load(List.of(sa, "policy add src 10.0.0.0/24 dst 10.0.1.0/24 dir out tmpl src 198.18.0.1 dst 198.18.0.2 proto esp reqid 1"), "a");
        b = new EspDevice("espb", PacketDevice.unattached(1400), Clock.SYSTEM, port + 1, new PrintStream(OutputStream.nullOutputStream()));
        b.load(List.of(sa, "policy add src 10.0.0.0/24 dst 10.0.1.0/24 dir in tmpl src 198.18.0.1 dst 198.18.0.2 proto esp reqid 1"), "b");
        encap = new EspEncap(a);
        decap = new EspDecap(b);
        out = new PacketBatch(1, 2048, EspPacket.PAYLOAD);
        in = new PacketBatch(1, 2048);
    }

    @TearDown
    public void close() {
        a.close();
        b.close();
    }

    @Benchmark
    public int outAndBack() {
        int p = out.offset(0) - out.headroom() + EspPacket.PAYLOAD;
        out.view().putInt(p, 0x45000000 | size, ByteOrder.BIG_ENDIAN);
        out.view().putInt(p + 12, 0x0a000005, ByteOrder.BIG_ENDIAN);
        out.view().putInt(p + 16, 0x0a000109, ByteOrder.BIG_ENDIAN);
        out.set(0, EspPacket.PAYLOAD, size);
        int wire = encap.encapsulate(out, 0, 0);
        in.view().putBytes(0, out.view(), 0, wire);
        in.set(0, 0, wire);
        return decap.decapsulate(in, 0);
    }
}
