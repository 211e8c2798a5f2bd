package dev.dataplane.crypto.noise;

import dev.dataplane.crypto.Blake2s;
import dev.dataplane.crypto.XChaCha20Poly1305;

import java.util.function.LongSupplier;

/**
 * The initiator's side of the DoS defence, one per peer: stamps MAC1 (and MAC2 while we hold a fresh
 * cookie) on the handshake messages we send, and takes in cookie replies. Thread-safe.
 */
public final class CookieGenerator {
    private static final int MAC_LEN = CookieChecker.MAC_LEN;

    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final LongSupplier nanoClock;

    private byte[] lastMac1;
    private byte[] cookie;
    private long cookieBirth;

    public CookieGenerator(byte[] remoteStatic, LongSupplier nanoClock) {
        this.mac1Key = Blake2s.hash(NoiseConstants.LABEL_MAC1, remoteStatic);
        this.cookieKey = Blake2s.hash(NoiseConstants.LABEL_COOKIE, remoteStatic);
        this.nanoClock = nanoClock;
    }

    /** Writes MAC1 and MAC2 into the last 32 bytes of the {@code len}-byte message in {@code msg}. */
    public synchronized void addMacs(byte[] msg, int len) {
        int mac1Off = len - 2 * MAC_LEN;
        byte[] mac1 = Blake2s.mac(MAC_LEN, mac1Key, CookieChecker.slice(msg, mac1Off));
        System.arraycopy(mac1, 0, msg, mac1Off, MAC_LEN);
        lastMac1 = mac1;
        if (cookie != null && nanoClock.getAsLong() - cookieBirth < CookieChecker.COOKIE_SECRET_MAX_AGE_NANOS) {
            byte[] mac2 = Blake2s.mac(MAC_LEN, cookie, CookieChecker.slice(msg, len - MAC_LEN));
            System.arraycopy(mac2, 0, msg, len - MAC_LEN, MAC_LEN);
        } else {
            java.util.Arrays.fill(msg, len - MAC_LEN, len, (byte) 0);
        }
    }

    /** Takes a cookie reply to the last message we sent; false if it does not decrypt against that MAC1. */
    public synchronized boolean consumeReply(byte[] nonce, byte[] encryptedCookie) {
        if (lastMac1 == null) return false;
        byte[] c = XChaCha20Poly1305.open(cookieKey, nonce, encryptedCookie, lastMac1);
        if (c == null) return false;
        cookie = c;
        cookieBirth = nanoClock.getAsLong();
        lastMac1 = null; // one reply per message: a second copy is a replay
        return true;
    }
}
