package dev.dataplane.device;

import dev.dataplane.crypto.noise.InitiationFields;
import dev.dataplane.crypto.noise.ResponseFields;
import dev.dataplane.encap.wireguard.HandshakeInitiation;
import dev.dataplane.encap.wireguard.HandshakeResponse;
import dev.dataplane.encap.wireguard.WireGuardMessages;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Moves handshake fields between the Noise code (field holders) and wire bytes (encap's flyweights).
 * MACs are left zero on encoding; the sender's cookie generator stamps them.
 */
public final class HandshakeMessages {
    private HandshakeMessages() {}

    public static byte[] encode(InitiationFields f) {
        byte[] msg = new byte[WireGuardMessages.INITIATION_LEN];
        HandshakeInitiation w = new HandshakeInitiation().wrap(new UnsafeBuffer(msg), 0).writeHeader();
        w.senderIndex(f.senderIndex);
        w.putEphemeral(f.ephemeral);
        w.putEncryptedStatic(f.encryptedStatic);
        w.putEncryptedTimestamp(f.encryptedTimestamp);
        return msg;
    }

    public static byte[] encode(ResponseFields f) {
        byte[] msg = new byte[WireGuardMessages.RESPONSE_LEN];
        HandshakeResponse w = new HandshakeResponse().wrap(new UnsafeBuffer(msg), 0).writeHeader();
        w.senderIndex(f.senderIndex);
        w.receiverIndex(f.receiverIndex);
        w.putEphemeral(f.ephemeral);
        w.putEncryptedNothing(f.encryptedNothing);
        return msg;
    }

    /** The fields of an initiation whose length and type were already checked. */
    public static InitiationFields decodeInitiation(byte[] msg) {
        HandshakeInitiation w = new HandshakeInitiation().wrap(new UnsafeBuffer(msg), 0);
        InitiationFields f = new InitiationFields();
        f.senderIndex = w.senderIndex();
        w.getEphemeral(f.ephemeral);
        w.getEncryptedStatic(f.encryptedStatic);
        w.getEncryptedTimestamp(f.encryptedTimestamp);
        return f;
    }

    /** The fields of a response whose length and type were already checked. */
    public static ResponseFields decodeResponse(byte[] msg) {
        HandshakeResponse w = new HandshakeResponse().wrap(new UnsafeBuffer(msg), 0);
        ResponseFields f = new ResponseFields();
        f.senderIndex = w.senderIndex();
        f.receiverIndex = w.receiverIndex();
        w.getEphemeral(f.ephemeral);
        w.getEncryptedNothing(f.encryptedNothing);
        return f;
    }
}
