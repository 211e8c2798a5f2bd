package dev.dataplane.crypto.ike;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/** IKEv2's pseudo-random function PRF_HMAC_SHA2_256 (RFC 4868) and its expansion prf+ (RFC 7296 §2.13). */
public final class Prf {
    public static final int ID_HMAC_SHA2_256 = 5;
    public static final int LENGTH = 32;

    private Prf() {}

    public static byte[] prf(byte[] key, byte[]... data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // SecretKeySpec refuses an empty key; HMAC pads keys with zeros, so one zero byte is the same key
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            for (byte[] d : data) mac.update(d);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** prf+ (K, S) = T1 | T2 | …, Tn = prf(K, Tn-1 | S | n), cut to {@code length} bytes (at most 255 blocks). */
    public static byte[] prfPlus(byte[] key, byte[] seed, int length) {
        if (length > 255 * LENGTH) throw new IllegalArgumentException("prf+ gives at most 255 blocks");
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        for (int n = 1, at = 0; at < length; n++) {
            t = prf(key, t, seed, new byte[] {(byte) n});
            System.arraycopy(t, 0, out, at, Math.min(LENGTH, length - at));
            at += LENGTH;
        }
        return out;
    }
}
