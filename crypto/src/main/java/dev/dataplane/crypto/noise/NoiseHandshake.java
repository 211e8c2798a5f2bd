package dev.dataplane.crypto.noise;

import dev.dataplane.crypto.AeadKey;
import dev.dataplane.crypto.Blake2s;
import dev.dataplane.crypto.ChaChaPoly;
import dev.dataplane.crypto.Hkdf;
import dev.dataplane.crypto.Tai64n;
import dev.dataplane.crypto.X25519;

import java.util.Arrays;

/**
 * The Noise_IKpsk2 handshake with one peer, as WireGuard runs it (whitepaper section 5.4). One object per
 * peer; it moves through the states below and yields {@link SessionKeys} once complete. Methods are
 * synchronized because the handshake worker and the timer thread both reach it; none is on the data path.
 * Every consume step works on copies and commits only after all checks pass, so a forged message leaves
 * the state untouched.
 */
public final class NoiseHandshake {
    public enum State { ZEROED, INITIATION_CREATED, INITIATION_CONSUMED, RESPONSE_CREATED, RESPONSE_CONSUMED }

    private static final byte[] ZERO_KEY = new byte[NoiseConstants.KEY_LEN];
    private static final byte[] EMPTY = new byte[0];

    private final byte[] remoteStatic;
    private StaticIdentity identity;
    private byte[] presharedKey = ZERO_KEY.clone();
    private byte[] staticStatic = new byte[NoiseConstants.KEY_LEN];
    private boolean staticStaticValid;

    private State state = State.ZEROED;
    private byte[] chainKey;
    private byte[] hash;
    private byte[] localEphemeral;
    private byte[] remoteEphemeral;
    private int localIndex;
    private int remoteIndex;
    private final byte[] greatestTimestamp = new byte[NoiseConstants.TIMESTAMP_LEN];

    public NoiseHandshake(StaticIdentity identity, byte[] remoteStatic) {
        if (remoteStatic.length != NoiseConstants.KEY_LEN) {
            throw new IllegalArgumentException("public key must be 32 bytes");
        }
        this.remoteStatic = remoteStatic.clone();
        setIdentity(identity);
    }

    public synchronized void setIdentity(StaticIdentity identity) {
        this.identity = identity;
        Arrays.fill(staticStatic, (byte) 0);   // the old identity's term must not outlive it
        staticStaticValid = identity != null
                && X25519.sharedSecret(identity.privateKeyUnsafe(), remoteStatic, staticStatic);
        clear();
    }

    public synchronized void setPresharedKey(byte[] psk) {
        Arrays.fill(presharedKey, (byte) 0);
        presharedKey = psk == null ? ZERO_KEY.clone() : psk.clone();
    }

    public synchronized byte[] presharedKey() {
        return presharedKey.clone();
    }

    public byte[] remoteStatic() {
        return remoteStatic.clone();
    }

    public synchronized State state() {
        return state;
    }

    public synchronized int localIndex() {
        return localIndex;
    }

    /** Forgets any handshake in progress (the timestamp high-water mark survives, as it must). */
    public synchronized void clear() {
        state = State.ZEROED;
        if (chainKey != null) Arrays.fill(chainKey, (byte) 0);
        if (hash != null) Arrays.fill(hash, (byte) 0);
        chainKey = null;
        hash = null;
        if (localEphemeral != null) Arrays.fill(localEphemeral, (byte) 0);
        localEphemeral = null;
        remoteEphemeral = null;
        localIndex = 0;
        remoteIndex = 0;
    }

    // ---- initiator -------------------------------------------------------------------------------

    /** Fills {@code out} with a fresh initiation; false if we have no usable identity for this peer. */
    public synchronized boolean createInitiation(int senderIndex, byte[] timestamp, InitiationFields out) {
        if (identity == null || !staticStaticValid) return false;
        byte[] c = NoiseConstants.initialChainKey();
        byte[] h = mixHash(NoiseConstants.initialHash(), remoteStatic);

        byte[] ephemeralPrivate = X25519.generatePrivateKey();
        byte[] ephemeralPublic = X25519.publicKey(ephemeralPrivate);
        c = Hkdf.kdf(1, c, ephemeralPublic)[0];
        h = mixHash(h, ephemeralPublic);

        byte[] dh = new byte[NoiseConstants.KEY_LEN];
        boolean agreed = X25519.sharedSecret(ephemeralPrivate, remoteStatic, dh);
        byte[][] ck = Hkdf.kdf(2, c, dh);
        Arrays.fill(dh, (byte) 0);
        if (!agreed) return false;
        c = ck[0];
        byte[] encryptedStatic = ChaChaPoly.seal(ck[1], 0, identity.publicKey(), h);
        Arrays.fill(ck[1], (byte) 0);
        h = mixHash(h, encryptedStatic);

        ck = Hkdf.kdf(2, c, staticStatic);
        c = ck[0];
        byte[] encryptedTimestamp = ChaChaPoly.seal(ck[1], 0, timestamp, h);
        Arrays.fill(ck[1], (byte) 0);
        h = mixHash(h, encryptedTimestamp);

        out.senderIndex = senderIndex;
        System.arraycopy(ephemeralPublic, 0, out.ephemeral, 0, NoiseConstants.KEY_LEN);
        System.arraycopy(encryptedStatic, 0, out.encryptedStatic, 0, encryptedStatic.length);
        System.arraycopy(encryptedTimestamp, 0, out.encryptedTimestamp, 0, encryptedTimestamp.length);

        clear();
        chainKey = c;
        hash = h;
        localEphemeral = ephemeralPrivate;
        localIndex = senderIndex;
        state = State.INITIATION_CREATED;
        return true;
    }

    /**
     * Checks a response to our initiation (the caller found us by its receiver index). On success the
     * handshake is complete and {@link #deriveKeys()} may be called.
     */
    public synchronized boolean consumeResponse(ResponseFields in) {
        if (state != State.INITIATION_CREATED || in.receiverIndex != localIndex || identity == null) return false;
        byte[] c = chainKey;
        byte[] h = mixHash(hash, in.ephemeral);
        c = Hkdf.kdf(1, c, in.ephemeral)[0];

        byte[] dh = new byte[NoiseConstants.KEY_LEN];
        try {
            if (!X25519.sharedSecret(localEphemeral, in.ephemeral, dh)) return false;
            c = Hkdf.kdf(1, c, dh)[0];
            if (!X25519.sharedSecret(identity.privateKeyUnsafe(), in.ephemeral, dh)) return false;
            c = Hkdf.kdf(1, c, dh)[0];
        } finally {
            Arrays.fill(dh, (byte) 0);
        }

        byte[][] ctk = Hkdf.kdf(3, c, presharedKey);
        c = ctk[0];
        h = mixHash(h, ctk[1]);
        boolean opened = ChaChaPoly.open(ctk[2], 0, in.encryptedNothing, h) != null;
        Arrays.fill(ctk[2], (byte) 0);
        if (!opened) return false;
        h = mixHash(h, in.encryptedNothing);

        Arrays.fill(chainKey, (byte) 0);   // replaced by the final chaining key
        chainKey = c;
        hash = h;
        remoteIndex = in.senderIndex;
        state = State.RESPONSE_CONSUMED;
        return true;
    }

    // ---- responder -------------------------------------------------------------------------------

    /**
     * Decrypts an initiation addressed to {@code identity}; null if it is not for us or fails to
     * authenticate. Stateless, so the device can run it before it knows the peer.
     */
    public static ConsumedInitiation decryptInitiation(StaticIdentity identity, InitiationFields in) {
        if (identity == null) return null;
        byte[] c = NoiseConstants.initialChainKey();
        byte[] h = mixHash(NoiseConstants.initialHash(), identity.publicKey());
        h = mixHash(h, in.ephemeral);
        c = Hkdf.kdf(1, c, in.ephemeral)[0];

        byte[] dh = new byte[NoiseConstants.KEY_LEN];
        boolean agreed = X25519.sharedSecret(identity.privateKeyUnsafe(), in.ephemeral, dh);
        byte[][] ck = Hkdf.kdf(2, c, dh);
        Arrays.fill(dh, (byte) 0);
        if (!agreed) return null;
        c = ck[0];
        byte[] peerStatic = ChaChaPoly.open(ck[1], 0, in.encryptedStatic, h);
        Arrays.fill(ck[1], (byte) 0);
        if (peerStatic == null) return null;
        h = mixHash(h, in.encryptedStatic);

        agreed = X25519.sharedSecret(identity.privateKeyUnsafe(), peerStatic, dh);
        ck = Hkdf.kdf(2, c, dh);
        Arrays.fill(dh, (byte) 0);   // the static-static term
        if (!agreed) return null;
        c = ck[0];
        byte[] timestamp = ChaChaPoly.open(ck[1], 0, in.encryptedTimestamp, h);
        Arrays.fill(ck[1], (byte) 0);
        if (timestamp == null) return null;
        h = mixHash(h, in.encryptedTimestamp);
        return new ConsumedInitiation(peerStatic, timestamp, in.ephemeral.clone(), c, h, in.senderIndex);
    }

    /**
     * Adopts a decrypted initiation from this peer, unless its timestamp is not newer than every one seen
     * before (a replay). Also re-derives the static-static term so a message made for another identity
     * cannot slip in.
     */
    public synchronized boolean acceptInitiation(ConsumedInitiation init) {
        if (!Arrays.equals(init.remoteStatic(), remoteStatic) || !staticStaticValid) return false;
        if (Tai64n.compare(init.timestamp(), greatestTimestamp) <= 0) return false;
        System.arraycopy(init.timestamp(), 0, greatestTimestamp, 0, NoiseConstants.TIMESTAMP_LEN);
        clear();
        chainKey = init.chainKey().clone();
        hash = init.hash().clone();
        remoteEphemeral = init.remoteEphemeral().clone();
        remoteIndex = init.remoteIndex();
        state = State.INITIATION_CONSUMED;
        return true;
    }

    /** Answers the initiation last accepted; the handshake is then complete on our side. */
    public synchronized boolean createResponse(int senderIndex, ResponseFields out) {
        if (state != State.INITIATION_CONSUMED) return false;
        byte[] c = chainKey;
        byte[] h = hash;
        byte[] ephemeralPrivate = X25519.generatePrivateKey();
        byte[] ephemeralPublic = X25519.publicKey(ephemeralPrivate);
        c = Hkdf.kdf(1, c, ephemeralPublic)[0];
        h = mixHash(h, ephemeralPublic);

        byte[] dh = new byte[NoiseConstants.KEY_LEN];
        try {
            if (!X25519.sharedSecret(ephemeralPrivate, remoteEphemeral, dh)) return false;
            c = Hkdf.kdf(1, c, dh)[0];
            if (!X25519.sharedSecret(ephemeralPrivate, remoteStatic, dh)) return false;
            c = Hkdf.kdf(1, c, dh)[0];
        } finally {
            Arrays.fill(dh, (byte) 0);
            Arrays.fill(ephemeralPrivate, (byte) 0);   // not needed past the two DH
        }

        byte[][] ctk = Hkdf.kdf(3, c, presharedKey);
        c = ctk[0];
        h = mixHash(h, ctk[1]);
        byte[] encryptedNothing = ChaChaPoly.seal(ctk[2], 0, EMPTY, h);
        Arrays.fill(ctk[2], (byte) 0);
        h = mixHash(h, encryptedNothing);

        out.senderIndex = senderIndex;
        out.receiverIndex = remoteIndex;
        System.arraycopy(ephemeralPublic, 0, out.ephemeral, 0, NoiseConstants.KEY_LEN);
        System.arraycopy(encryptedNothing, 0, out.encryptedNothing, 0, NoiseConstants.ENCRYPTED_NOTHING_LEN);
        Arrays.fill(ephemeralPrivate, (byte) 0);

        chainKey = c;
        hash = h;
        localIndex = senderIndex;
        state = State.RESPONSE_CREATED;
        return true;
    }

    // ---- both ------------------------------------------------------------------------------------

    /** Splits the final chaining key into transport keys and forgets the handshake; null if not complete. */
    public synchronized SessionKeys deriveKeys() {
        boolean initiator;
        if (state == State.RESPONSE_CONSUMED) initiator = true;
        else if (state == State.RESPONSE_CREATED) initiator = false;
        else return null;
        byte[][] t = Hkdf.kdf(2, chainKey, EMPTY);
        byte[] send = initiator ? t[0] : t[1];
        byte[] receive = initiator ? t[1] : t[0];
        SessionKeys keys = new SessionKeys(new AeadKey(send), new AeadKey(receive), localIndex, remoteIndex, initiator);
        Arrays.fill(t[0], (byte) 0);
        Arrays.fill(t[1], (byte) 0);
        Arrays.fill(chainKey, (byte) 0);
        clear();
        return keys;
    }

    private static byte[] mixHash(byte[] h, byte[] data) {
        return Blake2s.hash(h, data);
    }
}
