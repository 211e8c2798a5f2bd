package dev.dataplane.crypto.esp;

import dev.dataplane.crypto.ChaChaPoly;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * rfc7539esp(chacha20,poly1305): ChaCha20-Poly1305 for ESP (RFC 7634), a 32-byte key and a 4-byte salt; nonce =
 * salt || the packet's 8-byte IV. The project's own RFC 8439 engine, allocation-free per packet.
 */
final class EspChaChaPoly implements EspAead {
    static final String NAME = "rfc7539esp(chacha20,poly1305)";

    private final ChaChaPoly.Raw aead;

    EspChaChaPoly(byte[] material, int icvBits) {
        if (material.length != 36) {
            throw new IllegalArgumentException(NAME + " takes a 32-byte key and a 4-byte salt (36 bytes), got " + material.length);
        }
        if (icvBits != 128) throw new IllegalArgumentException(NAME + " ICV must be 128 bits, got " + icvBits);
        byte[] key = Arrays.copyOf(material, 32);
        this.aead = new ChaChaPoly.Raw(key, Arrays.copyOfRange(material, 32, 36));
        Arrays.fill(key, (byte) 0);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int icvLen() {
        return ChaChaPoly.TAG_LEN;
    }

    @Override
    public int keyMaterialLen() {
        return 36;
    }

    @Override
    public int seal(ByteBuffer buf, int ivOff, int off, int len, byte[] aad, int aadLen) {
        return aead.seal(buf, ivOff, off, len, aad, aadLen);
    }

    @Override
    public int open(ByteBuffer buf, int ivOff, int off, int len, byte[] aad, int aadLen) {
        return aead.open(buf, ivOff, off, len, aad, aadLen);
    }

    @Override
    public void destroy() {
        aead.destroy();
    }
}
