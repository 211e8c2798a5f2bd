package dev.dataplane.encap.wireguard;

import static dev.dataplane.encap.wireguard.WireGuardMessages.*;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** Flyweight over a type 1 message (148 bytes). Byte fields are copied to/from caller arrays. */
public final class HandshakeInitiation extends MessageFlyweight {
    public static final int LENGTH = INITIATION_LEN;

    public HandshakeInitiation wrap(MutableDirectBuffer buffer, int offset) {
        bind(buffer, offset);
        return this;
    }

    public HandshakeInitiation wrap(DirectBuffer buffer, int offset) {
        bind(buffer, offset);
        return this;
    }

    /** Sets the type to 1 and the reserved bytes to zero. */
    public HandshakeInitiation writeHeader() {
        writeType(MessageType.INITIATION);
        return this;
    }

    public int senderIndex() { return intAt(INIT_SENDER); }
    public HandshakeInitiation senderIndex(int index) { intAt(INIT_SENDER, index); return this; }

    public void getEphemeral(byte[] dst) { copyOut(INIT_EPHEMERAL, dst, KEY_LEN); }
    public void putEphemeral(byte[] src) { copyIn(INIT_EPHEMERAL, src, KEY_LEN); }

    public void getEncryptedStatic(byte[] dst) { copyOut(INIT_STATIC, dst, ENCRYPTED_STATIC_LEN); }
    public void putEncryptedStatic(byte[] src) { copyIn(INIT_STATIC, src, ENCRYPTED_STATIC_LEN); }

    public void getEncryptedTimestamp(byte[] dst) { copyOut(INIT_TIMESTAMP, dst, ENCRYPTED_TIMESTAMP_LEN); }
    public void putEncryptedTimestamp(byte[] src) { copyIn(INIT_TIMESTAMP, src, ENCRYPTED_TIMESTAMP_LEN); }

    public void getMac1(byte[] dst) { copyOut(INIT_MAC1, dst, MAC_LEN); }
    public void putMac1(byte[] src) { copyIn(INIT_MAC1, src, MAC_LEN); }

    public void getMac2(byte[] dst) { copyOut(INIT_MAC2, dst, MAC_LEN); }
    public void putMac2(byte[] src) { copyIn(INIT_MAC2, src, MAC_LEN); }
}
