package dev.dataplane.crypto;

import java.util.Arrays;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03): HChaCha20(key, nonce[0..16)) gives a subkey, used with
 * ChaCha20-Poly1305 under the nonce 00000000 || nonce[16..24). WireGuard encrypts cookie replies with it.
 */
public final class XChaCha20Poly1305 {
    public static final int NONCE_LEN = 24;

    private XChaCha20Poly1305() {}

    public static byte[] seal(byte[] key, byte[] nonce24, byte[] plaintext, byte[] aad) {
        checkKey(key);
        if (nonce24 == null || nonce24.length != NONCE_LEN) throw new IllegalArgumentException("nonce must be 24 bytes");
        byte[] subkey = new byte[32];
        byte[] nonce12 = new byte[12];
        derive(key, nonce24, subkey, nonce12);
        try {
            return ChaChaPoly.seal(subkey, nonce12, plaintext, aad);
        } finally {
            Arrays.fill(subkey, (byte) 0);
        }
    }

    /** Returns the plaintext, or null if authentication fails or an argument is malformed. */
    public static byte[] open(byte[] key, byte[] nonce24, byte[] ciphertextAndTag, byte[] aad) {
        if (key == null || key.length != 32 || nonce24 == null || nonce24.length != NONCE_LEN) return null;
        byte[] subkey = new byte[32];
        byte[] nonce12 = new byte[12];
        derive(key, nonce24, subkey, nonce12);
        try {
            return ChaChaPoly.open(subkey, nonce12, ciphertextAndTag, aad);
        } finally {
            Arrays.fill(subkey, (byte) 0);
        }
    }

    static void hchacha20(byte[] key, byte[] nonce16, byte[] out32) {
        checkKey(key);
        if (nonce16 == null || nonce16.length != 16) throw new IllegalArgumentException("HChaCha20 nonce must be 16 bytes");
        ChaCha20.hchacha20(key, nonce16, out32);
    }

    private static void derive(byte[] key, byte[] nonce24, byte[] subkey, byte[] nonce12) {
        ChaCha20.hchacha20(key, Arrays.copyOf(nonce24, 16), subkey);
        System.arraycopy(nonce24, 16, nonce12, 4, 8);
    }

    private static void checkKey(byte[] key) {
        if (key == null || key.length != 32) throw new IllegalArgumentException("key must be 32 bytes");
    }
}
