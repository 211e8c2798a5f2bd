package dev.dataplane.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * ChaCha20-Poly1305 (RFC 8439) with WireGuard's nonce: 4 zero bytes, then the 64-bit counter little-endian.
 *
 * <p>The static methods serve the handshake (a few allocations per call are fine there). An instance serves
 * one data-path worker: it is not thread-safe and allocates nothing per packet once its scratch has grown to
 * the largest packet seen. It is our own RFC 8439 construction rather than the JDK Cipher, which allocates about
 * 2 KB per packet; with {@code --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED} it still gets the JDK's
 * vectorised ChaCha20 keystream ({@link JdkChaChaBlocks}). Measurements and reasoning: docs/crypto.md.
 */
public final class ChaChaPoly {
    public static final int TAG_LEN = 16;

    private final ChaCha20Poly1305Engine engine = new ChaCha20Poly1305Engine();
    private byte[] scratch = new byte[2048];
    private final int[] key8 = new int[8];

    public ChaChaPoly() {}

    /**
     * Which keystream generator and Poly1305 form this JVM's data path uses, for a device's start-up line: an
     * operator who runs the jar without the launcher's {@code --add-opens} sees the slower fallbacks named.
     */
    public static String implementation() {
        return "ChaCha20 " + (JdkChaChaBlocks.AVAILABLE ? "JDK stub" : "Java") + ", Poly1305 " + Poly1305.BEST.label;
    }

    /** Returns ciphertext || tag. */
    public static byte[] seal(byte[] key, long counter, byte[] plaintext, byte[] aad) {
        return sealRaw(key, 0, (int) counter, (int) (counter >>> 32), plaintext, aad);
    }

    /** Returns the plaintext, or null if authentication fails or the input is malformed. Never throws. */
    public static byte[] open(byte[] key, long counter, byte[] ciphertextAndTag, byte[] aad) {
        return openRaw(key, 0, (int) counter, (int) (counter >>> 32), ciphertextAndTag, aad);
    }

    /** The RFC 8439 form with a raw 12-byte nonce, for test vectors and XChaCha20. */
    static byte[] seal(byte[] key, byte[] nonce12, byte[] plaintext, byte[] aad) {
        return sealRaw(key, word(nonce12, 0), word(nonce12, 4), word(nonce12, 8), plaintext, aad);
    }

    static byte[] open(byte[] key, byte[] nonce12, byte[] ciphertextAndTag, byte[] aad) {
        return openRaw(key, word(nonce12, 0), word(nonce12, 4), word(nonce12, 8), ciphertextAndTag, aad);
    }

    private static int word(byte[] b, int off) {
        return (int) ChaCha20.INT_LE.get(b, off);
    }

    private static byte[] sealRaw(byte[] key, int n0, int n1, int n2, byte[] plaintext, byte[] aad) {
        int[] k = keyWords(key);
        byte[] out = Arrays.copyOf(plaintext, plaintext.length + TAG_LEN);
        new ChaCha20Poly1305Engine().seal(k, n0, n1, n2, out, 0, plaintext.length, aad, 0, aad == null ? 0 : aad.length);
        Arrays.fill(k, 0);
        return out;
    }

    private static byte[] openRaw(byte[] key, int n0, int n1, int n2, byte[] in, byte[] aad) {
        if (key == null || key.length != AeadKey.LEN || in == null || in.length < TAG_LEN) return null;
        int[] k = keyWords(key);
        byte[] work = in.clone();
        int ctLen = in.length - TAG_LEN;
        boolean ok = new ChaCha20Poly1305Engine().open(k, n0, n1, n2, work, 0, ctLen, aad, 0, aad == null ? 0 : aad.length);
        Arrays.fill(k, 0);
        return ok ? Arrays.copyOf(work, ctLen) : null;
    }

    private static int[] keyWords(byte[] key) {
        if (key == null || key.length != AeadKey.LEN) throw new IllegalArgumentException("key must be 32 bytes");
        int[] k = new int[8];
        ChaCha20.keyWords(key, 0, k);
        return k;
    }

    /**
     * Encrypts directBuf[off, off+len) in place and appends the tag; returns len + 16, or -1 (buffer untouched)
     * if the key is destroyed. Absolute indexing: the buffer's position, limit and byte order are not used or
     * changed, but off+len+16 must be within capacity.
     */
    public int seal(AeadKey key, long counter, ByteBuffer directBuf, int off, int len) {
        if (!key.copyTo(key8)) return -1;
        byte[] s = scratch(len + TAG_LEN);
        directBuf.get(off, s, 0, len);
        engine.seal(key8, 0, (int) counter, (int) (counter >>> 32), s, 0, len, null, 0, 0);
        Arrays.fill(key8, 0);
        directBuf.put(off, s, 0, len + TAG_LEN);
        return len + TAG_LEN;
    }

    /**
     * Authenticates and decrypts directBuf[off, off+len) in place, len including the tag. Returns the plaintext
     * length, or -1 if len is shorter than a tag, the key is destroyed or authentication fails (then the buffer
     * is left as it was).
     */
    public int open(AeadKey key, long counter, ByteBuffer directBuf, int off, int len) {
        if (len < TAG_LEN || !key.copyTo(key8)) return -1;
        int ctLen = len - TAG_LEN;
        byte[] s = scratch(len);
        directBuf.get(off, s, 0, len);
        boolean ok = engine.open(key8, 0, (int) counter, (int) (counter >>> 32), s, 0, ctLen, null, 0, 0);
        Arrays.fill(key8, 0);
        if (!ok) return -1;
        directBuf.put(off, s, 0, ctLen);
        return ctLen;
    }

    private byte[] scratch(int n) {
        if (scratch.length < n) scratch = new byte[Math.max(n, scratch.length * 2)];
        return scratch;
    }

    /**
     * ChaCha20-Poly1305 with an explicit nonce of a fixed 4-byte salt and an 8-byte per-packet IV, and AAD: the
     * form ESP uses (RFC 7634). One instance per key, one thread; allocation-free per packet.
     */
    public static final class Raw {
        private final ChaCha20Poly1305Engine engine = new ChaCha20Poly1305Engine();
        private final int[] key8 = new int[8];
        private final int salt;
        private final byte[] iv = new byte[8];
        private byte[] scratch = new byte[2048];
        private volatile boolean destroyed;

        public Raw(byte[] key32, byte[] salt4) {
            if (key32.length != AeadKey.LEN || salt4.length != 4) throw new IllegalArgumentException("key 32 bytes, salt 4 bytes");
            ChaCha20.keyWords(key32, 0, key8);
            this.salt = word(salt4, 0);
        }

        /** Encrypts buf[off, off+len) in place, tag after it; the IV is the 8 bytes at ivOff. Returns len + 16, or -1 if destroyed. */
        public int seal(ByteBuffer buf, int ivOff, int off, int len, byte[] aad, int aadLen) {
            if (destroyed) return -1;
            byte[] s = scratch(len + TAG_LEN);
            buf.get(off, s, 0, len);
            buf.get(ivOff, iv, 0, 8);
            engine.seal(key8, salt, word(iv, 0), word(iv, 4), s, 0, len, aad, 0, aadLen);
            buf.put(off, s, 0, len + TAG_LEN);
            return len + TAG_LEN;
        }

        /** Authenticates and decrypts in place (len includes the tag); the plaintext length, or -1. */
        public int open(ByteBuffer buf, int ivOff, int off, int len, byte[] aad, int aadLen) {
            if (destroyed || len < TAG_LEN) return -1;
            int ctLen = len - TAG_LEN;
            byte[] s = scratch(len);
            buf.get(off, s, 0, len);
            buf.get(ivOff, iv, 0, 8);
            if (!engine.open(key8, salt, word(iv, 0), word(iv, 4), s, 0, ctLen, aad, 0, aadLen)) return -1;
            buf.put(off, s, 0, ctLen);
            return ctLen;
        }

        public void destroy() {
            destroyed = true;
            Arrays.fill(key8, 0);
            Arrays.fill(scratch, (byte) 0);
        }

        private byte[] scratch(int n) {
            if (scratch.length < n) scratch = new byte[Math.max(n, scratch.length * 2)];
            return scratch;
        }
    }
}
