package dev.dataplane.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both keystream sources of the engine on the RFC 8439 vectors, and against each other once C2 has compiled. */
class ChaCha20Poly1305EngineTest {

    private static ChaCha20Poly1305Engine engine(boolean jdkBlocks) {
        if (jdkBlocks) assumeTrue(JdkChaChaBlocks.AVAILABLE, "JDK ChaCha20 blocks not reachable in this JVM");
        return new ChaCha20Poly1305Engine(jdkBlocks);
    }

    private static int[] key(byte[] k) {
        int[] w = new int[8];
        ChaCha20.keyWords(k, 0, w);
        return w;
    }

    @Test
    void jdkBlocksAreReachableWhereTheBuildPromisesIt() {
        if (Boolean.getBoolean("dataplane.crypto.expectJdkBlocks")) {
            assertTrue(JdkChaChaBlocks.AVAILABLE, "crypto/pom.xml opens com.sun.crypto.provider for the tests");
        }
    }

    @ParameterizedTest(name = "jdkBlocks={0}")
    @ValueSource(booleans = {false, true})
    void rfc8439Section282(boolean jdkBlocks) {
        ChaCha20Poly1305Engine e = engine(jdkBlocks);
        byte[] n = ChaChaPolyTest.NONCE_282;
        int n0 = (int) ChaCha20.INT_LE.get(n, 0), n1 = (int) ChaCha20.INT_LE.get(n, 4), n2 = (int) ChaCha20.INT_LE.get(n, 8);
        byte[] buf = Arrays.copyOf(ChaChaPolyTest.PT_282, ChaChaPolyTest.PT_282.length + 16);
        byte[] aad = ChaChaPolyTest.AAD_282;
        e.seal(key(ChaChaPolyTest.KEY_282), n0, n1, n2, buf, 0, ChaChaPolyTest.PT_282.length, aad, 0, aad.length);
        assertEquals(ChaChaPolyTest.CT_282 + ChaChaPolyTest.TAG_282, Hex.of(buf));
        assertTrue(e.open(key(ChaChaPolyTest.KEY_282), n0, n1, n2, buf, 0, ChaChaPolyTest.PT_282.length, aad, 0, aad.length));
        assertArrayEquals(ChaChaPolyTest.PT_282, Arrays.copyOf(buf, ChaChaPolyTest.PT_282.length));
    }

    @ParameterizedTest(name = "jdkBlocks={0}")
    @ValueSource(booleans = {false, true})
    void rfc8439AppendixA5(boolean jdkBlocks) {
        ChaCha20Poly1305Engine e = engine(jdkBlocks);
        int ctLen = ChaChaPolyTest.CT_A5.length;
        byte[] buf = Arrays.copyOf(ChaChaPolyTest.CT_A5, ctLen + 16);
        System.arraycopy(ChaChaPolyTest.TAG_A5, 0, buf, ctLen, 16);
        long c = ChaChaPolyTest.COUNTER_A5;
        byte[] aad = ChaChaPolyTest.AAD_A5;
        assertTrue(e.open(key(ChaChaPolyTest.KEY_A5), 0, (int) c, (int) (c >>> 32), buf, 0, ctLen, aad, 0, aad.length));
        assertArrayEquals(ChaChaPolyTest.PT_A5, Arrays.copyOf(buf, ctLen));
    }

    /** Long enough for C2 to compile the callers, so the vectorised generator (not its Java stand-in) runs. */
    @Test
    void jdkBlocksMatchPureJavaAfterWarmUp() {
        ChaCha20Poly1305Engine fast = engine(true), pure = engine(false);
        Random rnd = new Random(8439);
        int[] k = new int[8];
        for (int i = 0; i < 30_000; i++) {
            for (int j = 0; j < 8; j++) k[j] = rnd.nextInt();
            int len = i % 7 == 0 ? rnd.nextInt(3000) : rnd.nextInt(200);
            byte[] a = new byte[len + 16];
            rnd.nextBytes(a);
            byte[] b = a.clone();
            long counter = rnd.nextLong();
            fast.seal(k, 0, (int) counter, (int) (counter >>> 32), a, 0, len, null, 0, 0);
            pure.seal(k, 0, (int) counter, (int) (counter >>> 32), b, 0, len, null, 0, 0);
            if (!Arrays.equals(a, b)) assertArrayEquals(b, a, "length " + len + " iteration " + i);
        }
    }
}
