package dev.dataplane.crypto.esp;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allocation-free GCM from the JDK's parts, against the JDK's own Cipher and the GCM specification's vectors. */
class GcmCoreTest {
    @Test
    void theJdkPartsAreReachableUnderTheProjectsJvmFlags() {
        assertTrue(GcmCore.available(), "surefire and the launcher pass --add-opens java.base/com.sun.crypto.provider");
    }

    @Test
    void matchesTheJdkCipherOnRandomInputs() throws Exception {
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] key = new byte[new int[] {16, 24, 32}[i % 3]], nonce = new byte[12], aad = new byte[i % 2 == 0 ? 8 : 12];
            r.nextBytes(key);
            r.nextBytes(nonce);
            r.nextBytes(aad);
            int len = r.nextInt(i % 10 == 0 ? 9000 : 1500);
            int icv = i % 4 == 0 ? 12 : 16;
            byte[] plain = new byte[len];
            r.nextBytes(plain);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(icv * 8, nonce));
            c.updateAAD(aad);
            byte[] expected = c.doFinal(plain);
            GcmCore core = new GcmCore(key);
            byte[] s = Arrays.copyOf(plain, len + icv);
            core.seal(nonce, aad, aad.length, s, len, icv);
            assertArrayEquals(expected, s, "seal, length " + len);
            assertTrue(core.open(nonce, aad, aad.length, s, len, icv));
            assertArrayEquals(plain, Arrays.copyOf(s, len), "open, length " + len);
            byte[] bad = Arrays.copyOf(expected, expected.length);
            bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
            byte[] before = bad.clone();
            assertFalse(core.open(nonce, aad, aad.length, bad, len, icv), "a flipped bit is refused");
            assertArrayEquals(before, bad, "a refused packet is left as it came");
        }
    }

    @Test
    void gcmSpecificationTestCase4() {   // McGrew and Viega, "The Galois/Counter Mode of Operation", test case 4
        HexFormat h = HexFormat.of();
        byte[] key = h.parseHex("feffe9928665731c6d6a8f9467308308");
        byte[] iv = h.parseHex("cafebabefacedbaddecaf888");
        byte[] aad = h.parseHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        byte[] p = h.parseHex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        byte[] s = Arrays.copyOf(p, p.length + 16);
        new GcmCore(key).seal(iv, aad, aad.length, s, p.length, 16);
        assertArrayEquals(h.parseHex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
                + "5bc94fbc3221a5db94fae95ae7121a47"), s);
    }
}
