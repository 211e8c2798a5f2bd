package dev.dataplane.bench;

import dev.dataplane.crypto.Tai64n;
import dev.dataplane.crypto.X25519;
import dev.dataplane.crypto.noise.ConsumedInitiation;
import dev.dataplane.crypto.noise.InitiationFields;
import dev.dataplane.crypto.noise.NoiseHandshake;
import dev.dataplane.crypto.noise.ResponseFields;
import dev.dataplane.crypto.noise.SessionKeys;
import dev.dataplane.crypto.noise.StaticIdentity;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/** A complete Noise_IKpsk2 exchange (initiation, response, both key derivations) per operation. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandshakeBench {
    private StaticIdentity initiatorId;
    private StaticIdentity responderId;
    private NoiseHandshake initiator;
    private NoiseHandshake responder;
    private final InitiationFields init = new InitiationFields();
    private final ResponseFields resp = new ResponseFields();
    private long second = 1;

    @Setup
    public void setup() {
        initiatorId = new StaticIdentity(X25519.generatePrivateKey());
        responderId = new StaticIdentity(X25519.generatePrivateKey());
        initiator = new NoiseHandshake(initiatorId, responderId.publicKey());
        responder = new NoiseHandshake(responderId, initiatorId.publicKey());
    }

    @Benchmark
    public SessionKeys initiationAndResponse() {
        byte[] ts = new byte[12];
        Tai64n.write(second++, 0, ts, 0);
        initiator.createInitiation(1, ts, init);
        ConsumedInitiation c = NoiseHandshake.decryptInitiation(responderId, init);
        responder.acceptInitiation(c);
        responder.createResponse(2, resp);
        initiator.consumeResponse(resp);
        responder.deriveKeys();
        return initiator.deriveKeys();
    }
}
