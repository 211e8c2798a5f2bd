package dev.dataplane.crypto.esp;

import java.nio.ByteBuffer;

/**
 * An ESP combined-mode transform: the key of one SA and the cipher that seals or opens its packets in place.
 * RFC 4106 (AES-GCM) and RFC 7634 (ChaCha20-Poly1305) share the shape: a 4-byte salt from the end of the key
 * material, an 8-byte explicit IV carried in each packet (nonce = salt || IV), and the ESP header (SPI and
 * sequence number, with the high half of an extended sequence number between them) as the AAD.
 *
 * <p>One instance per SA, used by one thread (an SA carries one direction). Not thread-safe.
 */
public interface EspAead {
    int IV_LEN = 8;

    /** The name `ip xfrm` uses: rfc4106(gcm(aes)) or rfc7539esp(chacha20,poly1305). */
    String name();

    /** Bytes of integrity check value after the ciphertext. */
    int icvLen();

    /** Key material bytes (key and salt), as given. */
    int keyMaterialLen();

    /**
     * Encrypts {@code buf[off, off+len)} in place and writes the ICV after it; the IV is the 8 bytes at
     * {@code ivOff}; the AAD {@code aad[0, aadLen)}. Returns {@code len + icvLen()}, or -1 if the key was destroyed.
     */
    int seal(ByteBuffer buf, int ivOff, int off, int len, byte[] aad, int aadLen);

    /**
     * Authenticates {@code buf[off, off+len)} ({@code len} includes the ICV) and decrypts it in place; returns
     * the plaintext length, or -1 if authentication fails, the input is shorter than an ICV, or the key was
     * destroyed. Never throws for bad input.
     */
    int open(ByteBuffer buf, int ivOff, int off, int len, byte[] aad, int aadLen);

    /** Wipes the key; later calls return -1. */
    void destroy();

    /**
     * The transform `ip xfrm state … aead NAME KEY ICVBITS` names. Throws {@link IllegalArgumentException} with
     * the reason for an unknown name, a key of the wrong length or an ICV length the transform does not have.
     */
    static EspAead of(String name, byte[] keyMaterial, int icvBits) {
        return switch (name) {
            case EspAesGcm.NAME -> new EspAesGcm(keyMaterial, icvBits);
            case EspChaChaPoly.NAME -> new EspChaChaPoly(keyMaterial, icvBits);
            default -> throw new IllegalArgumentException("unsupported aead \"" + name + "\" (supported: " + EspAesGcm.NAME
                    + ", " + EspChaChaPoly.NAME + ")");
        };
    }
}
