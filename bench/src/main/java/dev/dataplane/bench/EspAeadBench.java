package dev.dataplane.bench;

import dev.dataplane.crypto.esp.EspAead;
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

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Sealing one ESP packet in place with each transform the ESP mode has, a fresh IV (sequence number) every time
 * as on the wire: rfc4106(gcm(aes)) with 128- and 256-bit keys on the JDK's cipher, rfc7539esp(chacha20,poly1305)
 * on our engine. Run with {@code -prof gc} for the bytes each packet allocates.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED",
        "--add-opens=java.base/sun.security.util.math.intpoly=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
public class EspAeadBench {
    @Param({"rfc4106(gcm(aes))/20", "rfc4106(gcm(aes))/36", "rfc7539esp(chacha20,poly1305)/36"})
    String transform;

    @Param({"64", "1420"})
    int size;

    /** AES-GCM: "core" is the allocation-free path on the JDK's GCM parts, "cipher" the JDK's Cipher (init per IV). */
    @Param({"core", "cipher"})
    String gcm;

    EspAead aead;
    ByteBuffer buf;
    final byte[] aad = new byte[8];
    long seq;

    @Setup
    public void setUp() {
        System.setProperty("dataplane.jdkGcmCipher", Boolean.toString(gcm.equals("cipher")));
        String[] t = transform.split("/");
        aead = EspAead.of(t[0], new byte[Integer.parseInt(t[1])], 128);
        buf = ByteBuffer.allocateDirect(16 + size + 64);
    }

    @Benchmark
    public int seal() {
        buf.putLong(8, ++seq);
        return aead.seal(buf, 8, 16, size, aad, 8);
    }
}
