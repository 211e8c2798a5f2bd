package dev.dataplane.bench;

import dev.dataplane.crypto.AeadKey;
import dev.dataplane.crypto.ChaChaPoly;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ChaCha20-Poly1305 for one WireGuard transport packet: every operation uses a fresh counter, so the per-packet
 * cipher initialisation is part of the cost. Seal works in place (or into a reused output); open decrypts one of
 * RING packets sealed in setup under its own counter.
 *
 * <ul>
 *   <li>jdkHeap: the JDK's "ChaCha20-Poly1305" Cipher on byte arrays;</li>
 *   <li>jdkDirect: the same Cipher on direct ByteBuffers;</li>
 *   <li>jdkScratch: the Cipher on a reused heap array, copying from and to a direct buffer;</li>
 *   <li>bc: BouncyCastle's lightweight org.bouncycastle.crypto.modes.ChaCha20Poly1305 on byte arrays;</li>
 *   <li>ours: {@link ChaChaPoly}'s per-worker instance on a direct buffer, the data-path API. The fork opens
 *   com.sun.crypto.provider so ChaCha20 uses the JDK's vectorised generator; run with
 *   {@code -jvmArgsAppend -Ddataplane.crypto.pureJava=true} for the pure-Java fallback.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/com.sun.crypto.provider=ALL-UNNAMED",
        "--add-opens=java.base/sun.security.util.math.intpoly=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
public class AeadBench {
    static final int TAG = 16;
    static final int RING = 64;

    @Param({"64", "512", "1420", "8192"})
    int size;

    final byte[] key = new byte[32];
    SecretKeySpec keySpec;
    AeadKey aeadKey;
    Cipher jdk;
    ChaCha20Poly1305 bc;
    ChaChaPoly ours;

    final byte[] nonce = new byte[12];
    long counter;

    byte[] heapIn, heapOut;
    ByteBuffer directIn, directOut, work;
    byte[] scratch;

    byte[][] sealedHeap;       // RING packets, ct || tag, counters 0..RING-1
    ByteBuffer[] sealedDirect; // the same packets in direct memory
    int next;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        for (int i = 0; i < key.length; i++) key[i] = (byte) (i * 13 + 1);
        keySpec = new SecretKeySpec(key, "ChaCha20");
        aeadKey = new AeadKey(key);
        jdk = Cipher.getInstance("ChaCha20-Poly1305");
        bc = new ChaCha20Poly1305();
        ours = new ChaChaPoly();

        heapIn = new byte[size + TAG];
        heapOut = new byte[size + TAG];
        for (int i = 0; i < size; i++) heapIn[i] = (byte) i;
        directIn = ByteBuffer.allocateDirect(size + TAG);
        directIn.put(0, heapIn, 0, size);
        directOut = ByteBuffer.allocateDirect(size + TAG);
        work = ByteBuffer.allocateDirect(size + TAG);
        scratch = new byte[size + TAG];

        sealedHeap = new byte[RING][];
        sealedDirect = new ByteBuffer[RING];
        for (int i = 0; i < RING; i++) {
            byte[] pt = new byte[size];
            for (int j = 0; j < size; j++) pt[j] = (byte) (i + j);
            sealedHeap[i] = ChaChaPoly.seal(key, i, pt, null);
            sealedDirect[i] = ByteBuffer.allocateDirect(size + TAG).put(0, sealedHeap[i]);
        }
        counter = RING;
    }

    private IvParameterSpec iv(long c) {
        nonce[4] = (byte) c;
        nonce[5] = (byte) (c >>> 8);
        nonce[6] = (byte) (c >>> 16);
        nonce[7] = (byte) (c >>> 24);
        nonce[8] = (byte) (c >>> 32);
        nonce[9] = (byte) (c >>> 40);
        nonce[10] = (byte) (c >>> 48);
        nonce[11] = (byte) (c >>> 56);
        return new IvParameterSpec(nonce); // the JDK API has no way to set a nonce without a spec object
    }

    private int nextSealed() {
        int i = next;
        next = (i + 1) & (RING - 1);
        return i;
    }

    // ---- seal ----

    @Benchmark
    public int jdkHeapSeal() throws Exception {
        jdk.init(Cipher.ENCRYPT_MODE, keySpec, iv(counter++));
        return jdk.doFinal(heapIn, 0, size, heapOut, 0);
    }

    @Benchmark
    public int jdkDirectSeal() throws Exception {
        jdk.init(Cipher.ENCRYPT_MODE, keySpec, iv(counter++));
        directIn.clear().limit(size);
        directOut.clear();
        return jdk.doFinal(directIn, directOut);
    }

    @Benchmark
    public int jdkScratchSeal() throws Exception {
        jdk.init(Cipher.ENCRYPT_MODE, keySpec, iv(counter++));
        work.get(0, scratch, 0, size);
        int n = jdk.doFinal(scratch, 0, size, scratch, 0);
        work.put(0, scratch, 0, n);
        return n;
    }

    @Benchmark
    public int bcSeal() throws Exception {
        iv(counter++);
        bc.init(true, new AEADParameters(new KeyParameter(key), 128, nonce));
        int n = bc.processBytes(heapIn, 0, size, heapOut, 0);
        return n + bc.doFinal(heapOut, n);
    }

    @Benchmark
    public int oursSeal() {
        return ours.seal(aeadKey, counter++, work, 0, size);
    }

    // ---- open ----

    @Benchmark
    public int jdkHeapOpen() throws Exception {
        int i = nextSealed();
        jdk.init(Cipher.DECRYPT_MODE, keySpec, iv(i));
        return jdk.doFinal(sealedHeap[i], 0, size + TAG, heapOut, 0);
    }

    @Benchmark
    public int jdkDirectOpen() throws Exception {
        int i = nextSealed();
        jdk.init(Cipher.DECRYPT_MODE, keySpec, iv(i));
        ByteBuffer in = sealedDirect[i];
        in.clear();
        directOut.clear();
        return jdk.doFinal(in, directOut);
    }

    @Benchmark
    public int jdkScratchOpen() throws Exception {
        int i = nextSealed();
        jdk.init(Cipher.DECRYPT_MODE, keySpec, iv(i));
        sealedDirect[i].get(0, scratch, 0, size + TAG);
        int n = jdk.doFinal(scratch, 0, size + TAG, scratch, 0);
        work.put(0, scratch, 0, n);
        return n;
    }

    @Benchmark
    public int bcOpen() throws Exception {
        int i = nextSealed();
        iv(i);
        bc.init(false, new AEADParameters(new KeyParameter(key), 128, nonce));
        int n = bc.processBytes(sealedHeap[i], 0, size + TAG, heapOut, 0);
        return n + bc.doFinal(heapOut, n);
    }

    /** In place, so each op first copies the sealed packet into the work buffer (a memcpy the others skip). */
    @Benchmark
    public int oursOpen() {
        int i = nextSealed();
        work.put(0, sealedDirect[i], 0, size + TAG);
        return ours.open(aeadKey, i, work, 0, size + TAG);
    }
}
