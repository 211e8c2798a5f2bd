package dev.dataplane.crypto.esp;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * rfc4106(gcm(aes)): AES-128 or AES-256 in GCM with a 4-byte salt (RFC 4106), on the JDK's cipher, whose AES and
 * GHASH run on AES-NI/VAES and carry-less multiply instructions. The packet is copied to a heap scratch array and
 * back, because the JDK's intrinsics work on arrays and its ByteBuffer path copies overlapping buffers itself.
 * With the JDK's GCM parts reachable ({@link GcmCore}) nothing is allocated per packet; otherwise the Cipher needs
 * a fresh init per packet (a new IV), which allocates (about 1 KB): measured in docs/esp.md.
 */
final class EspAesGcm implements EspAead {
    static final String NAME = "rfc4106(gcm(aes))";
    private static final int SALT = 4;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private final byte[] salt;
    private final byte[] nonce = new byte[12];
    private final int icvBits;
    private byte[] scratch = new byte[2048];
    /** The JDK's GCM parts without its per-IV allocation, when reachable (else the Cipher path). */
    private final GcmCore core;
    private volatile boolean destroyed;

    EspAesGcm(byte[] material, int icvBits) {
        if (material.length != 16 + SALT && material.length != 32 + SALT && material.length != 24 + SALT) {
            throw new IllegalArgumentException(NAME + " takes a 16-, 24- or 32-byte key and a 4-byte salt (20, 28 or 36 bytes), got "
                    + material.length);
        }
        if (icvBits != 96 && icvBits != 128) {   // the kernel also has 64; the JDK's GCM does not go below 96
            throw new IllegalArgumentException(NAME + " ICV must be 96 or 128 bits here, got " + icvBits);
        }
        this.icvBits = icvBits;
        this.key = new SecretKeySpec(material, 0, material.length - SALT, "AES");
        this.salt = Arrays.copyOfRange(material, material.length - SALT, material.length);
        System.arraycopy(salt, 0, nonce, 0, SALT);
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no AES/GCM", e);
        }
        this.core = GcmCore.available() && !Boolean.getBoolean("dataplane.jdkGcmCipher")
                ? new GcmCore(Arrays.copyOf(material, material.length - SALT)) : null;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int icvLen() {
        return icvBits / 8;
    }

    @Override
    public int keyMaterialLen() {
        return key.getEncoded().length + SALT;
    }

    @Override
    public int seal(ByteBuffer buf, int ivOff, int off, int len, byte[] aad, int aadLen) {
        if (destroyed) return -1;
        return run(Cipher.ENCRYPT_MODE, buf, ivOff, off, len, len + icvLen(), aad, aadLen);
    }

    @Override
    public int open(ByteBuffer buf, int ivOff, int off, int len, byte[] aad, int aadLen) {
        if (destroyed || len < icvLen()) return -1;
        return run(Cipher.DECRYPT_MODE, buf, ivOff, off, len, len, aad, aadLen);
    }

    /**
     * One GCM operation in place through the heap scratch; returns the output length, or -1 when the JDK refuses
     * (a bad tag on open; on seal not reachable with the checked key and ICV lengths and a fresh IV). Never throws,
     * so a bad packet never kills the data thread.
     */
    private int run(int mode, ByteBuffer buf, int ivOff, int off, int len, int room, byte[] aad, int aadLen) {
        byte[] s = scratch(room);
        buf.get(off, s, 0, len);
        buf.get(ivOff, nonce, SALT, IV_LEN);
        if (core != null) {
            int icv = icvLen();
            if (mode == Cipher.ENCRYPT_MODE) {
                core.seal(nonce, aad, aadLen, s, len, icv);
                buf.put(off, s, 0, len + icv);
                return len + icv;
            }
            if (!core.open(nonce, aad, aadLen, s, len - icv, icv)) return -1;
            buf.put(off, s, 0, len - icv);
            return len - icv;
        }
        try {
            cipher.init(mode, key, new GCMParameterSpec(icvBits, nonce));
            cipher.updateAAD(aad, 0, aadLen);
            int n = cipher.doFinal(s, 0, len, s, 0);
            buf.put(off, s, 0, n);
            return n;
        } catch (GeneralSecurityException e) {   // AEADBadTagException among them
            return -1;
        }
    }

    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(salt, (byte) 0);
        Arrays.fill(nonce, (byte) 0);
        Arrays.fill(scratch, (byte) 0);
        if (core != null) core.destroy();
        try {
            key.destroy();
        } catch (javax.security.auth.DestroyFailedException ignored) {
            // SecretKeySpec cannot wipe its copy; it becomes unreachable with this SA
        }
    }

    private byte[] scratch(int n) {
        if (scratch.length < n) scratch = new byte[Math.max(n, scratch.length * 2)];
        return scratch;
    }
}
