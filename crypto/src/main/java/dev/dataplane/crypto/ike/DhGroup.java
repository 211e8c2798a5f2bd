package dev.dataplane.crypto.ike;

import dev.dataplane.crypto.X25519;

import javax.crypto.KeyAgreement;
import javax.crypto.interfaces.DHPublicKey;
import javax.crypto.spec.DHParameterSpec;
import javax.crypto.spec.DHPublicKeySpec;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/**
 * The Diffie-Hellman groups of IKEv2's KE payloads: MODP-2048 and MODP-4096 (RFC 3526 groups 14 and 16, which are
 * the JDK's default DH parameters of those sizes), ECP-256 (RFC 5903: the public value is x | y, the shared secret
 * x), and Curve25519 (RFC 8031). A peer's public value is checked before use; a bad one is an
 * {@link IllegalArgumentException}.
 */
public enum DhGroup {
    MODP_2048(14, 256), MODP_4096(16, 512), ECP_256(19, 64), CURVE25519(31, 32);

    public final int id;
    /** Bytes of the public value in a KE payload. */
    public final int keLength;

    DhGroup(int id, int keLength) {
        this.id = id;
        this.keLength = keLength;
    }

    public static DhGroup byId(int id) {
        for (DhGroup g : values()) if (g.id == id) return g;
        return null;
    }

    /** One side of one exchange: its public value, then the shared secret with the peer's. */
    public interface Exchange {
        byte[] publicValue();

        byte[] shared(byte[] peer);
    }

    public Exchange start() {
        try {
            return switch (this) {
                case MODP_2048, MODP_4096 -> modp();
                case ECP_256 -> ecp();
                case CURVE25519 -> x25519();
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + this, e);
        }
    }

    private Exchange modp() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("DH");
        g.initialize(keLength * 8);
        KeyPair kp = g.generateKeyPair();
        DHParameterSpec params = ((DHPublicKey) kp.getPublic()).getParams();
        BigInteger p = params.getP();
        if (!p.toString(16).startsWith("ffffffffffffffffc90fdaa22168c234")) throw new IllegalStateException("not the RFC 3526 group");
        return new Exchange() {
            @Override
            public byte[] publicValue() {
                return fixed(((DHPublicKey) kp.getPublic()).getY(), keLength);
            }

            @Override
            public byte[] shared(byte[] peer) {
                if (peer.length != keLength) throw new IllegalArgumentException("KE of " + peer.length + " bytes for " + DhGroup.this);
                BigInteger y = new BigInteger(1, peer);
                if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(p.subtract(BigInteger.ONE)) >= 0) {
                    throw new IllegalArgumentException("KE out of range for " + DhGroup.this);
                }
                try {
                    KeyAgreement ka = KeyAgreement.getInstance("DH");
                    ka.init(kp.getPrivate());
                    ka.doPhase(KeyFactory.getInstance("DH").generatePublic(new DHPublicKeySpec(y, p, params.getG())), true);
                    return fixed(new BigInteger(1, ka.generateSecret()), keLength);
                } catch (GeneralSecurityException e) {
                    throw new IllegalArgumentException("bad KE for " + DhGroup.this + ": " + e.getMessage());
                }
            }
        };
    }

    private Exchange ecp() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = g.generateKeyPair();
        ECParameterSpec params = ((ECPublicKey) kp.getPublic()).getParams();
        return new Exchange() {
            @Override
            public byte[] publicValue() {
                ECPoint w = ((ECPublicKey) kp.getPublic()).getW();
                byte[] out = new byte[64];
                System.arraycopy(fixed(w.getAffineX(), 32), 0, out, 0, 32);
                System.arraycopy(fixed(w.getAffineY(), 32), 0, out, 32, 32);
                return out;
            }

            @Override
            public byte[] shared(byte[] peer) {
                if (peer.length != 64) throw new IllegalArgumentException("KE of " + peer.length + " bytes for ECP_256");
                ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOf(peer, 32)), new BigInteger(1, Arrays.copyOfRange(peer, 32, 64)));
                try {
                    KeyAgreement ka = KeyAgreement.getInstance("ECDH");
                    ka.init(kp.getPrivate());
                    // the provider checks that the point is on the curve
                    ka.doPhase(KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, params)), true);
                    return ka.generateSecret();
                } catch (GeneralSecurityException | IllegalArgumentException e) {
                    throw new IllegalArgumentException("bad KE for ECP_256: " + e.getMessage());
                }
            }
        };
    }

    private static Exchange x25519() {
        byte[] priv = X25519.generatePrivateKey();
        return new Exchange() {
            @Override
            public byte[] publicValue() {
                return X25519.publicKey(priv);
            }

            @Override
            public byte[] shared(byte[] peer) {
                if (peer.length != 32) throw new IllegalArgumentException("KE of " + peer.length + " bytes for CURVE25519");
                byte[] out = new byte[32];
                if (!X25519.sharedSecret(priv, peer, out)) throw new IllegalArgumentException("CURVE25519 KE gives an all-zero secret");
                return out;
            }
        };
    }

    /** A non-negative number as exactly {@code len} big-endian bytes, left-padded with zeros. */
    static byte[] fixed(BigInteger v, int len) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[len];
        int n = Math.min(raw.length, len);
        System.arraycopy(raw, raw.length - n, out, len - n, n);
        return out;
    }
}
