package dev.dataplane.bench;

import dev.dataplane.crypto.X25519;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyAgreement;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One X25519 shared-secret computation from raw 32-byte keys, as the handshake does it.
 * jdk: XDH KeyAgreement including the raw-bytes-to-key-object conversions; jdkKeysReady: the agreement alone on
 * prepared key objects; bc: BouncyCastle's org.bouncycastle.math.ec.rfc7748.X25519; ours: {@link X25519}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class X25519Bench {
    byte[] priv, pub;
    final byte[] out = new byte[32];
    KeyFactory kf;
    KeyAgreement ka;
    PrivateKey jdkPriv;
    PublicKey jdkPub;

    @Setup
    public void setup() throws Exception {
        priv = X25519.generatePrivateKey();
        pub = X25519.publicKey(X25519.generatePrivateKey());
        kf = KeyFactory.getInstance("XDH");
        ka = KeyAgreement.getInstance("XDH");
        jdkPriv = toPrivate(priv);
        jdkPub = toPublic(pub);
    }

    private PrivateKey toPrivate(byte[] k) throws Exception {
        return kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, k));
    }

    private PublicKey toPublic(byte[] u) throws Exception {
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) be[i] = u[31 - i];
        be[0] &= 0x7f;
        return kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, be)));
    }

    @Benchmark
    public byte[] jdk() throws Exception {
        ka.init(toPrivate(priv));
        ka.doPhase(toPublic(pub), true);
        return ka.generateSecret();
    }

    @Benchmark
    public byte[] jdkKeysReady() throws Exception {
        ka.init(jdkPriv);
        ka.doPhase(jdkPub, true);
        return ka.generateSecret();
    }

    @Benchmark
    public byte[] bc() {
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMult(priv, 0, pub, 0, out, 0);
        return out;
    }

    @Benchmark
    public byte[] ours() {
        X25519.sharedSecret(priv, pub, out);
        return out;
    }
}
