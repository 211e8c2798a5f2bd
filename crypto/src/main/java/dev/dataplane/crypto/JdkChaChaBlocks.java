package dev.dataplane.crypto;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.Arrays;

/**
 * The JDK's ChaCha20 keystream generator, reached directly. HotSpot replaces the private
 * {@code com.sun.crypto.provider.ChaCha20Cipher.implChaCha20Block(int[], byte[])} with AVX2/AVX-512 code that
 * writes up to 16 blocks per call. The public Cipher API would allocate about 2 KB per packet to get there
 * (see docs/crypto.md); calling the generator ourselves allocates nothing.
 *
 * <p>Needs {@code --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED}. Without it, or on a JDK whose
 * internals differ, or with {@code -Ddataplane.crypto.pureJava=true}, {@link #AVAILABLE} is false and callers
 * use the pure-Java block function. The generator is checked against it once at class initialisation.
 */
final class JdkChaChaBlocks {
    private static final MethodHandle BLOCKS;
    /** Bytes the generator may write per call; callers must pass a keystream array of exactly this size. */
    static final int KEYSTREAM_LEN;
    static final boolean AVAILABLE;

    static {
        MethodHandle mh = null;
        int len = 0;
        if (!Boolean.getBoolean("dataplane.crypto.pureJava")) {
            try {
                Class<?> c = Class.forName("com.sun.crypto.provider.ChaCha20Cipher");
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
                mh = lookup.findStatic(c, "implChaCha20Block",
                        MethodType.methodType(int.class, int[].class, byte[].class));
                Field f = c.getDeclaredField("KS_MAX_LEN");
                f.setAccessible(true);
                len = f.getInt(null);
                if (len < ChaCha20.BLOCK || len % ChaCha20.BLOCK != 0 || !agreesWithPureJava(mh, len)) mh = null;
            } catch (Throwable notOpenedOrChanged) {
                mh = null;
            }
        }
        BLOCKS = mh;
        KEYSTREAM_LEN = mh == null ? 0 : len;
        AVAILABLE = mh != null;
    }

    private JdkChaChaBlocks() {}

    /**
     * Writes keystream blocks for state (counter in state[12], which is not changed) into out, which must be
     * {@link #KEYSTREAM_LEN} bytes; returns how many bytes it wrote, a multiple of 64.
     */
    static int blocks(int[] state, byte[] out) {
        try {
            return (int) BLOCKS.invokeExact(state, out);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static boolean agreesWithPureJava(MethodHandle mh, int len) throws Throwable {
        int[] state = new int[16];
        for (int i = 4; i < 16; i++) state[i] = 0x9e3779b9 * i;
        state[0] = ChaCha20.C0; state[1] = ChaCha20.C1; state[2] = ChaCha20.C2; state[3] = ChaCha20.C3;
        int[] saved = state.clone();
        byte[] fast = new byte[len];
        int n = (int) mh.invokeExact(state, fast);
        if (n < ChaCha20.BLOCK || n > len || n % ChaCha20.BLOCK != 0 || !Arrays.equals(state, saved)) return false;
        int[] ks = new int[16];
        byte[] slow = new byte[n];
        for (int b = 0; b < n / ChaCha20.BLOCK; b++, state[12]++) {
            ChaCha20.block(state, ks);
            for (int i = 0; i < 16; i++) ChaCha20.INT_LE.set(slow, b * ChaCha20.BLOCK + 4 * i, ks[i]);
        }
        return Arrays.equals(slow, 0, n, fast, 0, n);
    }
}
