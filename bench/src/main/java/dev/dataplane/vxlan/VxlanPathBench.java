package dev.dataplane.vxlan;

import dev.dataplane.device.Clock;
import dev.dataplane.device.PacketDevice;
import dev.dataplane.encap.vxlan.VxlanHeader;
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
import org.openjdk.jmh.annotations.Warmup;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;

import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The VXLAN mode's per-frame work without the syscalls: FDB lookup and header on the way out, header checks and
 * learning on the way in, one frame out and back per operation on the mode's own transforms (this class sits in
 * their package). Run with {@code -prof gc}: the target is 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class VxlanPathBench {
    @Param({"64", "1464"})
    public int size;

    private VxlanEncap encap;
    private VxlanDecap decap;
    private PacketBatch out, in;

    @Setup
    public void setUp() throws Exception {
        PacketDevice none = PacketDevice.unattached(1450);
        VxlanDevice d = new VxlanDevice("vxb", none, Clock.SYSTEM, new VxlanConfig(1, 8472, null, List.of(), true, false, 300),
                new PrintStream(OutputStream.nullOutputStream()));
        for (long mac = 1; mac <= 200; mac++) {
            d.fdb.add(0x0a00_0000_0000L | mac, new Vtep(InetAddress.getByName("198.18.0." + mac), 8472, 1), FdbEntry.State.PERMANENT, 0);
        }
        encap = new VxlanEncap(d);
        decap = new VxlanDecap(d);
        out = new PacketBatch(1, 2048, VxlanHeader.LENGTH);
        in = new PacketBatch(1, 2048);
        int f = out.offset(0);
        out.view().putShort(f, (short) 0x0a00, ByteOrder.BIG_ENDIAN);
        out.view().putInt(f + 2, 77, ByteOrder.BIG_ENDIAN);          // to 0a:00:00:00:00:4d, a known VTEP
        out.view().putShort(f + 6, (short) 0x0a00, ByteOrder.BIG_ENDIAN);
        out.view().putInt(f + 8, 5, ByteOrder.BIG_ENDIAN);           // from 0a:00:00:00:00:05, learned on the way in
        out.view().putShort(f + 12, (short) 0x0800, ByteOrder.BIG_ENDIAN);
        in.endpoint(0).copyFrom(new dev.dataplane.tun.UdpEndpoint(new java.net.InetSocketAddress("198.18.1.1", 40000)));
    }

    @Benchmark
    public int outAndBack() {
        out.set(0, VxlanHeader.LENGTH, size);
        int wire = encap.encapsulate(out, 0, 0);
        in.view().putBytes(0, out.view(), 0, wire);
        in.set(0, 0, wire);
        return decap.decapsulate(in, 0);
    }
}
