package dev.dataplane.crypto.noise;

import dev.dataplane.crypto.ChaChaPoly;
import dev.dataplane.crypto.Tai64n;
import dev.dataplane.crypto.X25519;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * State-machine behaviour of the handshake in one JVM. Byte compatibility is proven against wireguard-go in
 * the dataplane module's HandshakeInteropTest; these check the rules around it: keys agree (with and
 * without a PSK), forgeries and replays are refused without disturbing state, MAC1/MAC2/cookies work.
 */
class NoiseHandshakeTest {
    private final StaticIdentity alice = new StaticIdentity(X25519.generatePrivateKey());
    private final StaticIdentity bob = new StaticIdentity(X25519.generatePrivateKey());

    private static byte[] ts(long seconds) {
        byte[] t = new byte[12];
        Tai64n.write(seconds, 0, t, 0);
        return t;
    }

    private SessionKeys[] handshake(NoiseHandshake initiator, NoiseHandshake responder, long seconds) {
        InitiationFields init = new InitiationFields();
        assertTrue(initiator.createInitiation(1, ts(seconds), init));
        ConsumedInitiation c = NoiseHandshake.decryptInitiation(bob, init);
        assertNotNull(c);
        assertArrayEquals(alice.publicKey(), c.remoteStatic());
        assertTrue(responder.acceptInitiation(c));
        ResponseFields resp = new ResponseFields();
        assertTrue(responder.createResponse(2, resp));
        assertEquals(1, resp.receiverIndex);
        assertTrue(initiator.consumeResponse(resp));
        return new SessionKeys[] {initiator.deriveKeys(), responder.deriveKeys()};
    }

    @Test
    void bothSidesDeriveMatchingTransportKeys() {
        SessionKeys[] k = handshake(new NoiseHandshake(alice, bob.publicKey()), new NoiseHandshake(bob, alice.publicKey()), 100);
        assertTrue(k[0].initiator());
        assertFalse(k[1].initiator());
        assertEquals(2, k[0].remoteIndex());
        assertEquals(1, k[1].remoteIndex());
        assertRoundTrip(k[0], k[1]);
        assertRoundTrip(k[1], k[0]);
    }

    @Test
    void presharedKeyMustMatch() {
        byte[] psk = new byte[32];
        psk[0] = 9;
        NoiseHandshake i = new NoiseHandshake(alice, bob.publicKey());
        NoiseHandshake r = new NoiseHandshake(bob, alice.publicKey());
        i.setPresharedKey(psk);
        r.setPresharedKey(psk);
        SessionKeys[] k = handshake(i, r, 100);
        assertRoundTrip(k[0], k[1]);

        r.setPresharedKey(new byte[32]);
        InitiationFields init = new InitiationFields();
        assertTrue(i.createInitiation(3, ts(200), init));
        assertTrue(r.acceptInitiation(NoiseHandshake.decryptInitiation(bob, init)));
        ResponseFields resp = new ResponseFields();
        assertTrue(r.createResponse(4, resp));
        assertFalse(i.consumeResponse(resp), "a response under another PSK does not authenticate");
        assertEquals(NoiseHandshake.State.INITIATION_CREATED, i.state(), "and leaves the initiator's state alone");
    }

    @Test
    void refusesReplayedOrOlderTimestamps() {
        NoiseHandshake i = new NoiseHandshake(alice, bob.publicKey());
        NoiseHandshake r = new NoiseHandshake(bob, alice.publicKey());
        InitiationFields first = new InitiationFields();
        assertTrue(i.createInitiation(1, ts(500), first));
        ConsumedInitiation c = NoiseHandshake.decryptInitiation(bob, first);
        assertTrue(r.acceptInitiation(c));
        assertFalse(r.acceptInitiation(c), "same initiation again");
        InitiationFields older = new InitiationFields();
        assertTrue(i.createInitiation(2, ts(499), older));
        assertFalse(r.acceptInitiation(NoiseHandshake.decryptInitiation(bob, older)), "older timestamp");
    }

    @Test
    void rejectsTamperedOrMisaddressedInitiations() {
        NoiseHandshake i = new NoiseHandshake(alice, bob.publicKey());
        InitiationFields init = new InitiationFields();
        assertTrue(i.createInitiation(1, ts(100), init));
        assertNull(NoiseHandshake.decryptInitiation(alice, init), "not addressed to alice");
        init.encryptedTimestamp[3] ^= 1;
        assertNull(NoiseHandshake.decryptInitiation(bob, init), "tampered timestamp");
        init.encryptedTimestamp[3] ^= 1;
        init.encryptedStatic[0] ^= 1;
        assertNull(NoiseHandshake.decryptInitiation(bob, init), "tampered static");
        init.encryptedStatic[0] ^= 1;
        init.ephemeral[5] ^= 1;
        assertNull(NoiseHandshake.decryptInitiation(bob, init), "tampered ephemeral");
    }

    @Test
    void responseMustAnswerOurOwnInitiation() {
        NoiseHandshake i = new NoiseHandshake(alice, bob.publicKey());
        NoiseHandshake r = new NoiseHandshake(bob, alice.publicKey());
        InitiationFields init = new InitiationFields();
        assertTrue(i.createInitiation(7, ts(100), init));
        assertTrue(r.acceptInitiation(NoiseHandshake.decryptInitiation(bob, init)));
        ResponseFields resp = new ResponseFields();
        assertTrue(r.createResponse(8, resp));
        resp.encryptedNothing[0] ^= 1;
        assertFalse(i.consumeResponse(resp));
        resp.encryptedNothing[0] ^= 1;
        resp.receiverIndex = 99;
        assertFalse(i.consumeResponse(resp), "wrong receiver index");
        resp.receiverIndex = 7;
        assertTrue(i.consumeResponse(resp));
        assertFalse(i.consumeResponse(resp), "a response is consumed once");
        assertNull(new NoiseHandshake(alice, bob.publicKey()).deriveKeys(), "no keys before completion");
    }

    @Test
    void macsAndCookiesFollowTheUnderLoadProtocol() {
        AtomicLong clock = new AtomicLong();
        CookieChecker checker = new CookieChecker(bob, clock::get);
        CookieGenerator generator = new CookieGenerator(bob.publicKey(), clock::get);
        byte[] msg = new byte[148];
        msg[0] = 1;
        generator.addMacs(msg, msg.length);
        assertTrue(checker.checkMac1(msg, msg.length));
        byte[] source = {(byte) 198, 18, 0, 1, (byte) 0xca, 0x6c};
        assertFalse(checker.checkMac2(msg, msg.length, source), "no cookie yet, MAC2 is zero");

        byte[] nonce = new byte[24];
        byte[] encrypted = checker.createReply(msg, msg.length, source, nonce);
        assertTrue(generator.consumeReply(nonce, encrypted));
        assertFalse(generator.consumeReply(nonce, encrypted), "a cookie reply is taken once");
        generator.addMacs(msg, msg.length);
        assertTrue(checker.checkMac2(msg, msg.length, source));
        byte[] otherSource = source.clone();
        otherSource[3] = 2;
        assertFalse(checker.checkMac2(msg, msg.length, otherSource), "the cookie binds the source address");

        msg[10] ^= 1;
        assertFalse(checker.checkMac1(msg, msg.length), "MAC1 covers the message");
        assertFalse(new CookieChecker(alice, clock::get).checkMac1(msg, msg.length));

        clock.addAndGet(CookieChecker.COOKIE_SECRET_MAX_AGE_NANOS + 1);
        msg[10] ^= 1;
        generator.addMacs(msg, msg.length);
        assertFalse(checker.checkMac2(msg, msg.length, source), "cookies expire after two minutes");
    }

    private static void assertRoundTrip(SessionKeys sender, SessionKeys receiver) {
        ChaChaPoly aead = new ChaChaPoly();
        ByteBuffer buf = ByteBuffer.allocateDirect(128);
        for (int i = 0; i < 32; i++) buf.put(i, (byte) i);
        int n = aead.seal(sender.sendKey(), 5, buf, 0, 32);
        assertEquals(48, n);
        assertEquals(32, aead.open(receiver.receiveKey(), 5, buf, 0, n));
        for (int i = 0; i < 32; i++) assertEquals((byte) i, buf.get(i));
    }
}
