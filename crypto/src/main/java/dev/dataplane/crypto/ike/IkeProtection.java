package dev.dataplane.crypto.ike;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * How one direction of an IKE SA protects its Encrypted (SK) payloads: AES-CBC with HMAC-SHA2-256-128 (RFC 7296
 * §3.14, RFC 4868) or AES-GCM with a 16-byte ICV (RFC 5282: 4-byte salt from the key material, 8-byte explicit
 * IV, the IKE header and the SK payload header as associated data). {@link #seal} and {@link #open} work on the
 * whole message: {@code message[0, ivAt)} is the header part that is authenticated but not encrypted.
 */
public abstract sealed class IkeProtection {
    public static final int ENCR_AES_CBC = 12, ENCR_AES_GCM_16 = 20, ENCR_CHACHA20_POLY1305 = 28;
    public static final int INTEG_HMAC_SHA2_256_128 = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Key material this transform takes from prf+ per direction: SK_e (and the salt), SK_a. */
    public abstract int encryptionKeyLength();

    public abstract int integrityKeyLength();

    public abstract int ivLength();

    public abstract int icvLength();

    /**
     * Encrypts {@code plain} (the inner payloads) behind {@code header} (IKE header + SK payload header, with the
     * final lengths already in place) and returns the complete message.
     */
    public abstract byte[] seal(byte[] header, byte[] plain);

    /** The inner payloads of a complete message whose SK payload's IV starts at {@code ivAt}, or null if it does not authenticate. */
    public abstract byte[] open(byte[] message, int ivAt);

    /** The total length of an SK payload body (IV, ciphertext, padding, ICV) for {@code plainLength} bytes of payloads. */
    public abstract int bodyLength(int plainLength);

    /** Forgets the keys. */
    public abstract void destroy();

    public static IkeProtection cbcHmac(byte[] encKey, byte[] integKey) {
        return new CbcHmac(encKey, integKey);
    }

    public static IkeProtection gcm(byte[] keyAndSalt) {
        return new Gcm(keyAndSalt);
    }

    /** What key material a transform needs: encryption key bits (AES 128/256) and whether it is an AEAD. */
    public static int encryptionKeyLength(int encr, int keyBits) {
        return switch (encr) {
            case ENCR_AES_CBC -> keyBits / 8;
            case ENCR_AES_GCM_16 -> keyBits / 8 + 4;
            default -> throw new IllegalArgumentException("IKE encryption " + encr + " is not supported");
        };
    }

    static final class CbcHmac extends IkeProtection {
        private final byte[] enc, integ;

        CbcHmac(byte[] enc, byte[] integ) {
            this.enc = enc.clone();
            this.integ = integ.clone();
        }

        @Override
        public int encryptionKeyLength() {
            return enc.length;
        }

        @Override
        public int integrityKeyLength() {
            return 32;
        }

        @Override
        public int ivLength() {
            return 16;
        }

        @Override
        public int icvLength() {
            return 16;
        }

        @Override
        public int bodyLength(int plainLength) {
            return 16 + ((plainLength + 1 + 15) / 16) * 16 + 16;
        }

        @Override
        public byte[] seal(byte[] header, byte[] plain) {
            int padded = ((plain.length + 1 + 15) / 16) * 16;
            byte[] p = Arrays.copyOf(plain, padded);
            p[padded - 1] = (byte) (padded - plain.length - 1);
            byte[] iv = new byte[16];
            RANDOM.nextBytes(iv);
            try {
                Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(enc, "AES"), new IvParameterSpec(iv));
                byte[] ct = c.doFinal(p);
                byte[] msg = new byte[header.length + 16 + ct.length + 16];
                System.arraycopy(header, 0, msg, 0, header.length);
                System.arraycopy(iv, 0, msg, header.length, 16);
                System.arraycopy(ct, 0, msg, header.length + 16, ct.length);
                byte[] icv = mac(msg, msg.length - 16);
                System.arraycopy(icv, 0, msg, msg.length - 16, 16);
                return msg;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public byte[] open(byte[] message, int ivAt) {
            int ctLen = message.length - ivAt - 16 - 16;
            if (ctLen < 16 || ctLen % 16 != 0) return null;
            byte[] icv = mac(message, message.length - 16);
            if (!MessageDigest.isEqual(icv, Arrays.copyOfRange(message, message.length - 16, message.length))) return null;
            try {
                Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
                c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(enc, "AES"), new IvParameterSpec(message, ivAt, 16));
                byte[] p = c.doFinal(message, ivAt + 16, ctLen);
                int pad = p[p.length - 1] & 0xff;
                if (pad + 1 > p.length) return null;
                return Arrays.copyOf(p, p.length - pad - 1);
            } catch (GeneralSecurityException e) {
                return null;
            }
        }

        private byte[] mac(byte[] msg, int len) {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(integ, "HmacSHA256"));
                m.update(msg, 0, len);
                return Arrays.copyOf(m.doFinal(), 16);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void destroy() {
            Arrays.fill(enc, (byte) 0);
            Arrays.fill(integ, (byte) 0);
        }
    }

    static final class Gcm extends IkeProtection {
        private final byte[] key, salt;

        Gcm(byte[] keyAndSalt) {
            this.key = Arrays.copyOf(keyAndSalt, keyAndSalt.length - 4);
            this.salt = Arrays.copyOfRange(keyAndSalt, keyAndSalt.length - 4, keyAndSalt.length);
        }

        @Override
        public int encryptionKeyLength() {
            return key.length + 4;
        }

        @Override
        public int integrityKeyLength() {
            return 0;
        }

        @Override
        public int ivLength() {
            return 8;
        }

        @Override
        public int icvLength() {
            return 16;
        }

        @Override
        public int bodyLength(int plainLength) {
            return 8 + plainLength + 1 + 16;
        }

        @Override
        public byte[] seal(byte[] header, byte[] plain) {
            byte[] p = Arrays.copyOf(plain, plain.length + 1);   // no padding; the pad length byte says 0
            byte[] iv = new byte[8];
            RANDOM.nextBytes(iv);
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce(iv, 0)));
                c.updateAAD(header);
                byte[] ct = c.doFinal(p);
                byte[] msg = new byte[header.length + 8 + ct.length];
                System.arraycopy(header, 0, msg, 0, header.length);
                System.arraycopy(iv, 0, msg, header.length, 8);
                System.arraycopy(ct, 0, msg, header.length + 8, ct.length);
                return msg;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public byte[] open(byte[] message, int ivAt) {
            int ctLen = message.length - ivAt - 8;
            if (ctLen < 16 + 1) return null;
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce(message, ivAt)));
                c.updateAAD(message, 0, ivAt);
                byte[] p = c.doFinal(message, ivAt + 8, ctLen);
                int pad = p[p.length - 1] & 0xff;
                if (pad + 1 > p.length) return null;
                return Arrays.copyOf(p, p.length - pad - 1);
            } catch (GeneralSecurityException e) {
                return null;
            }
        }

        private byte[] nonce(byte[] ivSource, int at) {
            byte[] n = new byte[12];
            System.arraycopy(salt, 0, n, 0, 4);
            System.arraycopy(ivSource, at, n, 4, 8);
            return n;
        }

        @Override
        public void destroy() {
            Arrays.fill(key, (byte) 0);
            Arrays.fill(salt, (byte) 0);
        }
    }
}
