package dev.dataplane.crypto.noise;

import dev.dataplane.crypto.Blake2s;
import dev.dataplane.crypto.X25519;

/**
 * This device's long-term key pair, plus what it implies: the MAC1 and cookie keys peers use to
 * talk to us. Immutable; replaced as a whole when the private key changes.
 */
public final class StaticIdentity {
    private final byte[] privateKey;
    private final byte[] publicKey;
    private final byte[] mac1Key;
    private final byte[] cookieKey;

    public StaticIdentity(byte[] privateKey) {
        if (privateKey.length != X25519.KEY_LEN) {
            throw new IllegalArgumentException("private key must be 32 bytes");
        }
        this.privateKey = privateKey.clone();
        this.publicKey = X25519.publicKey(this.privateKey);
        this.mac1Key = Blake2s.hash(NoiseConstants.LABEL_MAC1, publicKey);
        this.cookieKey = Blake2s.hash(NoiseConstants.LABEL_COOKIE, publicKey);
    }

    /** Zeroes the private key once this identity is replaced (the control thread is its only user). */
    public void destroy() {
        java.util.Arrays.fill(privateKey, (byte) 0);
    }

    public byte[] privateKey() {
        return privateKey.clone();
    }

    byte[] privateKeyUnsafe() {
        return privateKey;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Key of MAC1 on messages sent to us: HASH(LABEL_MAC1 || our public key). */
    public byte[] mac1Key() {
        return mac1Key;
    }

    /** Key that encrypts the cookies we send: HASH(LABEL_COOKIE || our public key). */
    public byte[] cookieKey() {
        return cookieKey;
    }
}
