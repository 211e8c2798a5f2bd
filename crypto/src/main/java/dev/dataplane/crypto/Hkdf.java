package dev.dataplane.crypto;

import java.util.Arrays;

/**
 * WireGuard's key derivation (the WireGuard paper, section 5.4): HMAC over BLAKE2s (RFC 2104 with a 64-byte
 * block and 32-byte output) and KDF_n, which is HKDF with that HMAC and an empty info.
 */
public final class Hkdf {
    public static final int HASH_LEN = 32;

    private Hkdf() {}

    /** HMAC-BLAKE2s(key, data[0] || data[1] || ...), 32 bytes. */
    public static byte[] hmac(byte[] key, byte[]... data) {
        byte[] k = key.length > Blake2s.BLOCK_LEN ? Blake2s.hash(key) : key;
        byte[] pad = new byte[Blake2s.BLOCK_LEN];
        for (int i = 0; i < pad.length; i++) pad[i] = (byte) ((i < k.length ? k[i] : 0) ^ 0x36);
        Blake2s inner = new Blake2s(HASH_LEN).update(pad);
        for (byte[] d : data) inner.update(d);
        byte[] innerHash = inner.digest();
        for (int i = 0; i < pad.length; i++) pad[i] ^= 0x36 ^ 0x5c;
        byte[] out = new Blake2s(HASH_LEN).update(pad).update(innerHash).digest();
        Arrays.fill(pad, (byte) 0);
        Arrays.fill(innerHash, (byte) 0);
        return out;
    }

    /**
     * KDF_n(C, input) for n in 1..3: T0 = HMAC(C, input), T1 = HMAC(T0, 0x01), Ti = HMAC(T0, T(i-1) || i).
     * Returns {T1, ..., Tn}.
     */
    public static byte[][] kdf(int n, byte[] chainingKey, byte[] input) {
        if (n < 1 || n > 3) throw new IllegalArgumentException("n must be 1..3");
        byte[] t0 = hmac(chainingKey, input);
        byte[][] out = new byte[n][];
        out[0] = hmac(t0, new byte[] {1});
        for (int i = 1; i < n; i++) out[i] = hmac(t0, out[i - 1], new byte[] {(byte) (i + 1)});
        Arrays.fill(t0, (byte) 0);
        return out;
    }
}
