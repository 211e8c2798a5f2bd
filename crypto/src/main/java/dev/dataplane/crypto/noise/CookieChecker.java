package dev.dataplane.crypto.noise;

import dev.dataplane.crypto.Blake2s;
import dev.dataplane.crypto.XChaCha20Poly1305;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.function.LongSupplier;

/**
 * The responder's side of WireGuard's DoS defence: validates MAC1 (proves the sender knows our public key)
 * and, when under load, MAC2 (proves it can receive at its source address), and issues cookie replies.
 * The cookie secret rotates every two minutes. Thread-safe.
 */
public final class CookieChecker {
    public static final long COOKIE_SECRET_MAX_AGE_NANOS = 120_000_000_000L;
    public static final int MAC_LEN = 16;
    public static final int NONCE_LEN = 24;
    public static final int COOKIE_LEN = 16;

    private final SecureRandom random = new SecureRandom();
    private final LongSupplier nanoClock;
    private volatile StaticIdentity identity;
    private final byte[] secret = new byte[32];
    private long secretBirth;
    private boolean secretSet;

    public CookieChecker(StaticIdentity identity, LongSupplier nanoClock) {
        this.identity = identity;
        this.nanoClock = nanoClock;
    }

    public void setIdentity(StaticIdentity identity) {
        this.identity = identity;
    }

    /** MAC1 of the {@code len}-byte message in {@code msg} (MACs are its last 32 bytes) is right for us. */
    public boolean checkMac1(byte[] msg, int len) {
        StaticIdentity id = identity;
        if (id == null || len < 2 * MAC_LEN) return false;
        byte[] expected = Blake2s.mac(MAC_LEN, id.mac1Key(), slice(msg, len - 2 * MAC_LEN));
        return MessageDigest.isEqual(expected, slice(msg, len - 2 * MAC_LEN, MAC_LEN));
    }

    /** MAC2 matches the cookie we would give {@code source} (address bytes then port) right now. */
    public boolean checkMac2(byte[] msg, int len, byte[] source) {
        if (len < 2 * MAC_LEN) return false;
        byte[] cookie = cookieFor(source);
        byte[] expected = Blake2s.mac(MAC_LEN, cookie, slice(msg, len - MAC_LEN));
        return MessageDigest.isEqual(expected, slice(msg, len - MAC_LEN, MAC_LEN));
    }

    /**
     * Builds the payload of a cookie reply to the {@code len}-byte message {@code msg} from {@code source}:
     * writes the random nonce into {@code nonceOut} and returns the 32-byte encrypted cookie.
     */
    public byte[] createReply(byte[] msg, int len, byte[] source, byte[] nonceOut) {
        StaticIdentity id = identity;
        if (id == null) return null;
        byte[] cookie = cookieFor(source);
        random.nextBytes(nonceOut);
        byte[] mac1 = slice(msg, len - 2 * MAC_LEN, MAC_LEN);
        return XChaCha20Poly1305.seal(id.cookieKey(), nonceOut, cookie, mac1);
    }

    private synchronized byte[] cookieFor(byte[] source) {
        long now = nanoClock.getAsLong();
        if (!secretSet || now - secretBirth >= COOKIE_SECRET_MAX_AGE_NANOS) {
            random.nextBytes(secret);
            secretBirth = now;
            secretSet = true;
        }
        return Blake2s.mac(COOKIE_LEN, secret, source);
    }

    static byte[] slice(byte[] msg, int len) {
        return slice(msg, 0, len);
    }

    static byte[] slice(byte[] msg, int off, int len) {
        byte[] out = new byte[len];
        System.arraycopy(msg, off, out, 0, len);
        return out;
    }
}
