package dev.dataplane.crypto.esp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.util.Arrays;

/**
 * AES-GCM (NIST SP 800-38D) built from the JDK's own intrinsified parts — counter-mode AES
 * ({@code CounterMode.implCrypt}) and GHASH ({@code GHASH.processBlocks}) — instead of its {@code Cipher}, whose
 * {@code init} allocates for every IV. Per packet this allocates nothing: the counter block, the GHASH state and
 * the tag are fields, reused. The parts are JDK internals, reached with {@code --add-opens
 * java.base/com.sun.crypto.provider=ALL-UNNAMED} (the launcher passes it); without it, or on a JDK that lacks them,
 * {@link #available()} is false and callers keep the {@code Cipher} path. Checked against the JDK's Cipher on
 * random inputs and against published vectors.
 */
final class GcmCore {
    private static final MethodHandle NEW_AES, AES_INIT, AES_ENCRYPT_BLOCK, NEW_CTR, CTR_INIT, CTR_ENCRYPT, NEW_GHASH, GHASH_BLOCKS;
    private static final MethodHandle GHASH_TABLE;
    private static final boolean AVAILABLE;

    static {
        MethodHandle[] h = new MethodHandle[9];
        boolean ok;
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            Class<?> aes = Class.forName("com.sun.crypto.provider.AESCrypt");
            Class<?> sym = Class.forName("com.sun.crypto.provider.SymmetricCipher");
            Class<?> ctr = Class.forName("com.sun.crypto.provider.CounterMode");
            Class<?> ghash = Class.forName("com.sun.crypto.provider.GHASH");
            h[0] = l.unreflectConstructor(open(aes.getDeclaredConstructor()));
            h[1] = l.unreflect(open(aes.getDeclaredMethod("init", boolean.class, String.class, byte[].class)));
            h[2] = l.unreflect(open(aes.getDeclaredMethod("encryptBlock", byte[].class, int.class, byte[].class, int.class)));
            h[3] = l.unreflectConstructor(open(ctr.getDeclaredConstructor(sym)));
            h[4] = l.unreflect(open(ctr.getDeclaredMethod("init", boolean.class, String.class, byte[].class, byte[].class)));
            h[5] = l.unreflect(open(ctr.getDeclaredMethod("encrypt", byte[].class, int.class, int.class, byte[].class, int.class)));
            h[6] = l.unreflectConstructor(open(ghash.getDeclaredConstructor(byte[].class)));
            h[7] = l.unreflect(open(ghash.getDeclaredMethod("processBlocks", byte[].class, int.class, int.class, long[].class, long[].class)));
            Field table = ghash.getDeclaredField("subkeyHtbl");
            h[8] = l.unreflectGetter(open(table));
            ok = true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            ok = false;
        }
        AVAILABLE = ok;
        NEW_AES = h[0];
        AES_INIT = h[1];
        AES_ENCRYPT_BLOCK = h[2];
        NEW_CTR = h[3];
        CTR_INIT = h[4];
        CTR_ENCRYPT = h[5];
        NEW_GHASH = h[6];
        GHASH_BLOCKS = h[7];
        GHASH_TABLE = h[8];
    }

    private static <T extends java.lang.reflect.AccessibleObject> T open(T member) {
        member.setAccessible(true);   // InaccessibleObjectException without --add-opens: caught above
        return member;
    }

    /** Are the JDK's parts reachable (the module is opened to us)? */
    static boolean available() {
        return AVAILABLE;
    }

    private final byte[] key;
    private final Object aes, ctr;
    private final long[] table;
    private final long[] state = new long[2];
    private final byte[] j0 = new byte[16], counter = new byte[16], ekj0 = new byte[16], block = new byte[16], tag = new byte[16];

    /** {@code key}: 16, 24 or 32 bytes (kept, as the JDK's parts want the same array each time). */
    GcmCore(byte[] key) {
        this.key = key.clone();
        try {
            aes = NEW_AES.invoke();
            AES_INIT.invoke(aes, false, "AES", this.key);
            byte[] h = new byte[16];
            AES_ENCRYPT_BLOCK.invoke(aes, h, 0, h, 0);   // H = E(K, 0^128)
            Object ghash = NEW_GHASH.invoke(h);
            table = (long[]) GHASH_TABLE.invoke(ghash);
            Arrays.fill(h, (byte) 0);
            ctr = NEW_CTR.invoke(aes);
        } catch (Throwable t) {
            throw new IllegalStateException("the JDK's GCM parts failed to start: " + t, t);
        }
    }

    /** Encrypts {@code s[0, len)} in place and writes the {@code icvLen}-byte tag after it. */
    void seal(byte[] nonce12, byte[] aad, int aadLen, byte[] s, int len, int icvLen) {
        start(nonce12);
        crypt(s, len);
        ghash(aad, aadLen, s, len);
        System.arraycopy(tag, 0, s, len, icvLen);
    }

    /** Checks the tag after {@code s[0, len)} and decrypts in place; false (nothing decrypted) if it does not match. */
    boolean open(byte[] nonce12, byte[] aad, int aadLen, byte[] s, int len, int icvLen) {
        start(nonce12);
        ghash(aad, aadLen, s, len);
        int diff = 0;   // constant time, and no copies
        for (int i = 0; i < icvLen; i++) diff |= tag[i] ^ s[len + i];
        if (diff != 0) return false;
        crypt(s, len);
        return true;
    }

    private void start(byte[] nonce12) {
        System.arraycopy(nonce12, 0, j0, 0, 12);
        j0[12] = 0;
        j0[13] = 0;
        j0[14] = 0;
        j0[15] = 1;
        try {
            AES_ENCRYPT_BLOCK.invoke(aes, j0, 0, ekj0, 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Counter mode from J0 + 1 (§7.1). */
    private void crypt(byte[] s, int len) {
        System.arraycopy(j0, 0, counter, 0, 16);
        counter[15] = 2;
        try {
            CTR_INIT.invoke(ctr, false, "AES", key, counter);
            CTR_ENCRYPT.invoke(ctr, s, 0, len, s, 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** GHASH over the AAD and the ciphertext, each zero-padded, and the two bit lengths; the tag is E(K, J0) xor it. */
    private void ghash(byte[] aad, int aadLen, byte[] c, int len) {
        state[0] = 0;
        state[1] = 0;
        try {
            for (int at = 0; at < aadLen; at += 16) blockOf(aad, at, Math.min(16, aadLen - at));
            int full = len / 16;
            if (full > 0) GHASH_BLOCKS.invoke(c, 0, full, state, table);
            if (len % 16 != 0) blockOf(c, full * 16, len % 16);
            long aBits = (long) aadLen * 8, cBits = (long) len * 8;
            for (int i = 0; i < 8; i++) {
                block[i] = (byte) (aBits >>> (56 - 8 * i));
                block[8 + i] = (byte) (cBits >>> (56 - 8 * i));
            }
            GHASH_BLOCKS.invoke(block, 0, 1, state, table);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        for (int i = 0; i < 8; i++) {
            tag[i] = (byte) (ekj0[i] ^ (state[0] >>> (56 - 8 * i)));
            tag[8 + i] = (byte) (ekj0[8 + i] ^ (state[1] >>> (56 - 8 * i)));
        }
    }

    private void blockOf(byte[] src, int at, int n) throws Throwable {
        System.arraycopy(src, at, block, 0, n);
        Arrays.fill(block, n, 16, (byte) 0);
        GHASH_BLOCKS.invoke(block, 0, 1, state, table);
    }

    void destroy() {
        Arrays.fill(key, (byte) 0);
        Arrays.fill(table, 0);
        for (byte[] b : new byte[][] {j0, counter, ekj0, block, tag}) Arrays.fill(b, (byte) 0);
        try {
            AES_INIT.invoke(aes, false, "AES", new byte[key.length]);   // the expanded key schedule, replaced by a zero key's
        } catch (Throwable ignored) {
            // best effort
        }
    }
}
