package dev.dataplane.encap.wireguard;

import static dev.dataplane.encap.wireguard.WireGuardMessages.*;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** Flyweight over a type 2 message (92 bytes). Byte fields are copied to/from caller arrays. */
public final class HandshakeResponse extends MessageFlyweight {
    public static final int LENGTH = RESPONSE_LEN;

    public HandshakeResponse wrap(MutableDirectBuffer buffer, int offset) {
        bind(buffer, offset);
        return this;
    }

    public HandshakeResponse wrap(DirectBuffer buffer, int offset) {
        bind(buffer, offset);
        return this;
    }

    /** Sets the type to 2 and the reserved bytes to zero. */
    public HandshakeResponse writeHeader() {
        writeType(MessageType.RESPONSE);
        return this;
    }

    public int senderIndex() { return intAt(RESP_SENDER); }
    public HandshakeResponse senderIndex(int index) { intAt(RESP_SENDER, index); return this; }

    public int receiverIndex() { return intAt(RESP_RECEIVER); }
    public HandshakeResponse receiverIndex(int index) { intAt(RESP_RECEIVER, index); return this; }

    public void getEphemeral(byte[] dst) { copyOut(RESP_EPHEMERAL, dst, KEY_LEN); }
    public void putEphemeral(byte[] src) { copyIn(RESP_EPHEMERAL, src, KEY_LEN); }

    /** The AEAD tag over the empty plaintext (16 bytes). */
    public void getEncryptedNothing(byte[] dst) { copyOut(RESP_EMPTY, dst, ENCRYPTED_NOTHING_LEN); }
    public void putEncryptedNothing(byte[] src) { copyIn(RESP_EMPTY, src, ENCRYPTED_NOTHING_LEN); }

    public void getMac1(byte[] dst) { copyOut(RESP_MAC1, dst, MAC_LEN); }
    public void putMac1(byte[] src) { copyIn(RESP_MAC1, src, MAC_LEN); }

    public void getMac2(byte[] dst) { copyOut(RESP_MAC2, dst, MAC_LEN); }
    public void putMac2(byte[] src) { copyIn(RESP_MAC2, src, MAC_LEN); }
}
