package dev.dataplane.crypto.esp;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Both ESP transforms against BouncyCastle on random keys, IVs, AADs (8 and 12 bytes: with and without ESN) and
 * payloads: the nonce must be salt || IV (RFC 4106 §4, RFC 7634 §2), the AAD only authenticated, and an altered
 * byte anywhere must fail to open.
 */
class EspAeadDifferentialTest {
    private static byte[] reference(String name, byte[] material, int icvBits, byte[] iv, byte[] aad, byte[] plain) throws Exception {
        byte[] key = Arrays.copyOf(material, material.length - 4);
        byte[] nonce = new byte[12];
        System.arraycopy(material, material.length - 4, nonce, 0, 4);
        System.arraycopy(iv, 0, nonce, 4, 8);
        AEADCipher c = name.startsWith("rfc4106") ? GCMBlockCipher.newInstance(AESEngine.newInstance()) : new ChaCha20Poly1305();
        c.init(true, new AEADParameters(new KeyParameter(key), icvBits, nonce, aad));
        byte[] out = new byte[c.getOutputSize(plain.length)];
        int n = c.processBytes(plain, 0, plain.length, out, 0);
        c.doFinal(out, n);
        return out;
    }

    @Test
    void matchesBouncyCastleOnRandomInputs() throws Exception {
        Random r = new Random(7634);
        String[][] transforms = {{"rfc4106(gcm(aes))", "20"}, {"rfc4106(gcm(aes))", "28"}, {"rfc4106(gcm(aes))", "36"},
                {"rfc7539esp(chacha20,poly1305)", "36"}};
        for (String[] t : transforms) {
            for (int icv : t[0].startsWith("rfc4106") ? new int[] {96, 128} : new int[] {128}) {
                for (int i = 0; i < 150; i++) {
                    byte[] material = new byte[Integer.parseInt(t[1])];
                    r.nextBytes(material);
                    byte[] iv = new byte[8], aad = new byte[r.nextBoolean() ? 8 : 12], plain = new byte[r.nextInt(1500)];
                    r.nextBytes(iv);
                    r.nextBytes(aad);
                    r.nextBytes(plain);
                    EspAead ours = EspAead.of(t[0], material, icv);
                    ByteBuffer buf = ByteBuffer.allocateDirect(16 + plain.length + 16);
                    buf.put(8, iv).put(16, plain);
                    int n = ours.seal(buf, 8, 16, plain.length, aad, aad.length);
                    byte[] sealed = new byte[n];
                    buf.get(16, sealed);
                    assertArrayEquals(reference(t[0], material, icv, iv, aad, plain), sealed, t[0] + " icv " + icv + " #" + i);

                    EspAead opener = EspAead.of(t[0], material, icv);
                    assertEquals(plain.length, opener.open(buf, 8, 16, n, aad, aad.length));
                    byte[] back = new byte[plain.length];
                    buf.get(16, back);
                    assertArrayEquals(plain, back);

                    buf.put(16, sealed);
                    int flip = r.nextInt(n + aad.length + 8);
                    if (flip < n) buf.put(16 + flip, (byte) (buf.get(16 + flip) ^ 1 << r.nextInt(8)));
                    else if (flip < n + aad.length) aad[flip - n] ^= 1;
                    else buf.put(8 + flip - n - aad.length, (byte) (buf.get(8 + flip - n - aad.length) ^ 1));
                    assertEquals(-1, opener.open(buf, 8, 16, n, aad, aad.length), "an altered byte must not open");
                }
            }
        }
    }

    @Test
    void destroyedKeysRefuseAndBadMaterialIsRefused() {
        EspAead gcm = EspAead.of("rfc4106(gcm(aes))", new byte[20], 128);
        gcm.destroy();
        ByteBuffer buf = ByteBuffer.allocateDirect(128);
        assertEquals(-1, gcm.seal(buf, 8, 16, 32, new byte[8], 8));
        EspAead chacha = EspAead.of("rfc7539esp(chacha20,poly1305)", new byte[36], 128);
        chacha.destroy();
        assertEquals(-1, chacha.seal(buf, 8, 16, 32, new byte[8], 8));
        assertEquals(-1, EspAead.of("rfc4106(gcm(aes))", new byte[20], 128).open(buf, 8, 16, 10, new byte[8], 8), "shorter than an ICV");
        assertThrows(IllegalArgumentException.class, () -> EspAead.of("rfc4106(gcm(aes))", new byte[16], 128));
        assertThrows(IllegalArgumentException.class, () -> EspAead.of("rfc4106(gcm(aes))", new byte[20], 64), "refused at config time");
        assertThrows(IllegalArgumentException.class, () -> EspAead.of("rfc7539esp(chacha20,poly1305)", new byte[36], 96));
        assertThrows(IllegalArgumentException.class, () -> EspAead.of("cbc(aes)", new byte[20], 128));
    }
}
