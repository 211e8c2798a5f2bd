package dev.dataplane.crypto;

import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Our Poly1305 and ChaCha20-Poly1305 against independent implementations (BouncyCastle's Poly1305, the JDK's
 * ChaCha20-Poly1305 Cipher) on seeded random inputs: every length from 0 to 300 bytes and random ones up to
 * 9000, random keys and counters, plus the edge keys and messages (all-zero, all-ones) where limb carries and
 * the final reduction are most likely to go wrong.
 */
class DifferentialAeadTest {
    private static final long SEED = 0x5eed_d1ffL;

    @Test
    void wideFormsAreThereWhereTheBuildPromisesThem() {
        if (Boolean.getBoolean("dataplane.crypto.expectLanes")) {
            assertTrue(Poly1305Lanes.AVAILABLE, "the build adds jdk.incubator.vector to the test JVM");
            assertTrue(JdkPoly1305Blocks.REACHABLE, "the build opens the JDK's Poly1305 packages to the test JVM");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(dev.dataplane.crypto.Poly1305.Form.class)
    void poly1305MatchesBouncyCastle(dev.dataplane.crypto.Poly1305.Form form) {
        assumeTrue(form.usable() || !Boolean.getBoolean("dataplane.crypto.expectLanes"), form + " not in this JVM");
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (int i = 0; i < 3000; i++) {
            byte[] key = key(rnd, i % 7);
            byte[] msg = message(rnd, i < 600 ? i / 2 : rnd.nextInt(9000), i % 5);
            assertArrayEquals(bouncyCastleTag(key, msg), Poly1305Test.mac(new dev.dataplane.crypto.Poly1305(form), key, msg),
                    "case " + i + ", length " + msg.length);
        }
    }

    /**
     * Enough long messages through one instance of each wide form that C2 compiles the caller, so that where the
     * CPU has the JDK's IFMA stub the stub itself (not only the method's Java body) is checked, against the serial
     * form (itself checked against BouncyCastle above).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = dev.dataplane.crypto.Poly1305.Form.class, names = {"LANES", "JDK_STUB"})
    void compiledWideFormsMatchTheSerialForm(dev.dataplane.crypto.Poly1305.Form form) {
        assumeTrue(form.usable() || !Boolean.getBoolean("dataplane.crypto.expectLanes"), form + " not in this JVM");
        SplittableRandom rnd = new SplittableRandom(SEED + 7);
        dev.dataplane.crypto.Poly1305 ours = new dev.dataplane.crypto.Poly1305(form);
        dev.dataplane.crypto.Poly1305 serial = new dev.dataplane.crypto.Poly1305(dev.dataplane.crypto.Poly1305.Form.SERIAL);
        byte[] key = key(rnd, 0);
        byte[] msg = message(rnd, 2048, 0);
        for (int i = 0; i < 40_000; i++) {
            int len = 16 * (1 + rnd.nextInt(128));
            if (i % 50 == 0) key = key(rnd, i % 7);
            msg[rnd.nextInt(len)] ^= (byte) (1 + rnd.nextInt(255));
            byte[] m = Arrays.copyOf(msg, len);
            assertArrayEquals(Poly1305Test.mac(serial, key, m), Poly1305Test.mac(ours, key, m), "iteration " + i + ", length " + len);
        }
    }

    @Test
    void sealAndOpenMatchTheJdkCipher() throws Exception {
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        ChaChaPoly ours = new ChaChaPoly();
        ByteBuffer direct = ByteBuffer.allocateDirect(10_000);
        Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
        for (int i = 0; i < 1500; i++) {
            byte[] key = key(rnd, i % 7);
            long counter = i % 3 == 0 ? -1L - rnd.nextInt(4) : rnd.nextLong() >>> rnd.nextInt(64);
            byte[] plain = message(rnd, i < 600 ? i / 2 : rnd.nextInt(9000), i % 5);
            byte[] nonce = new byte[12];
            ChaCha20.LONG_LE.set(nonce, 4, counter);
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
            byte[] expected = jdk.doFinal(plain);

            AeadKey k = new AeadKey(key);
            int off = 1 + rnd.nextInt(64);
            direct.put(off, plain);
            assertEquals(expected.length, ours.seal(k, counter, direct, off, plain.length));
            byte[] sealed = new byte[expected.length];
            direct.get(off, sealed);
            assertArrayEquals(expected, sealed, "seal, case " + i + ", length " + plain.length);
            assertArrayEquals(expected, ChaChaPoly.seal(key, counter, plain, null), "static seal, case " + i);

            assertEquals(plain.length, ours.open(k, counter, direct, off, expected.length));
            byte[] opened = new byte[plain.length];
            direct.get(off, opened);
            assertArrayEquals(plain, opened, "open, case " + i);
        }
    }

    private static byte[] bouncyCastleTag(byte[] key, byte[] msg) {
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(key));
        mac.update(msg, 0, msg.length);
        byte[] tag = new byte[16];
        mac.doFinal(tag, 0);
        return tag;
    }

    /** Kind 0: all ones (largest clamped r, largest s); 1: all zero; otherwise random. */
    private static byte[] key(SplittableRandom rnd, int kind) {
        byte[] k = new byte[32];
        if (kind == 0) Arrays.fill(k, (byte) 0xff);
        else if (kind != 1) rnd.nextBytes(k);
        return k;
    }

    /** Kind 0: all 0xff (the most carries); 1: all zero; otherwise random. */
    private static byte[] message(SplittableRandom rnd, int len, int kind) {
        byte[] m = new byte[len];
        if (kind == 0) Arrays.fill(m, (byte) 0xff);
        else if (kind != 1) rnd.nextBytes(m);
        return m;
    }
}
