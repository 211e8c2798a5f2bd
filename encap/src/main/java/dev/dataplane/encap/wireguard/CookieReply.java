package dev.dataplane.encap.wireguard;

import static dev.dataplane.encap.wireguard.WireGuardMessages.*;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** Flyweight over a type 3 message (64 bytes). Byte fields are copied to/from caller arrays. */
public final class CookieReply extends MessageFlyweight {
    public static final int LENGTH = COOKIE_REPLY_LEN;

    public CookieReply wrap(MutableDirectBuffer buffer, int offset) {
        bind(buffer, offset);
        return this;
    }

    public CookieReply wrap(DirectBuffer buffer, int offset) {
        bind(buffer, offset);
        return this;
    }

    /** Sets the type to 3 and the reserved bytes to zero. */
    public CookieReply writeHeader() {
        writeType(MessageType.COOKIE_REPLY);
        return this;
    }

    public int receiverIndex() { return intAt(COOKIE_RECEIVER); }
    public CookieReply receiverIndex(int index) { intAt(COOKIE_RECEIVER, index); return this; }

    /** The XChaCha20-Poly1305 nonce (24 bytes). */
    public void getNonce(byte[] dst) { copyOut(COOKIE_NONCE, dst, COOKIE_NONCE_LEN); }
    public void putNonce(byte[] src) { copyIn(COOKIE_NONCE, src, COOKIE_NONCE_LEN); }

    /** The sealed cookie: 16 bytes of cookie plus the 16-byte tag. */
    public void getEncryptedCookie(byte[] dst) { copyOut(COOKIE_ENCRYPTED, dst, ENCRYPTED_COOKIE_LEN); }
    public void putEncryptedCookie(byte[] src) { copyIn(COOKIE_ENCRYPTED, src, ENCRYPTED_COOKIE_LEN); }
}
