package dev.dataplane.bench;

import dev.dataplane.crypto.Blake2s;
import dev.dataplane.crypto.Hkdf;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The handshake's hashing: MAC1 (keyed BLAKE2s-128 over the 116 bytes before mac1 of an initiation), a 32-byte
 * hash of 64 bytes (mixHash), and KDF_2 (three HMAC-BLAKE2s). BouncyCastle's Blake2sDigest for comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class Blake2sBench {
    final byte[] key = new byte[32];
    final byte[] msg116 = new byte[116];
    final byte[] a32 = new byte[32], b32 = new byte[32];
    final byte[] out = new byte[32];

    @Benchmark
    public byte[] oursMac1() {
        return Blake2s.mac(16, key, msg116);
    }

    @Benchmark
    public byte[] bcMac1() {
        Blake2sDigest d = new Blake2sDigest(key, 16, null, null);
        d.update(msg116, 0, msg116.length);
        d.doFinal(out, 0);
        return out;
    }

    @Benchmark
    public byte[] oursMixHash() {
        return Blake2s.hash(a32, b32);
    }

    @Benchmark
    public byte[] oursKdf2() {
        return Hkdf.kdf(2, a32, b32)[1];
    }
}
