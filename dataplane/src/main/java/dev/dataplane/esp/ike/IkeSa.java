package dev.dataplane.esp.ike;

import dev.dataplane.crypto.ike.DhGroup;
import dev.dataplane.crypto.ike.IkeProtection;
import dev.dataplane.crypto.ike.Prf;
import dev.dataplane.encap.ike.IkeMessage;
import dev.dataplane.encap.ike.Proposal;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One IKE SA (RFC 7296): who started it, its SPIs and peer, the exchange in progress, and once IKE_SA_INIT is
 * done its keys (SK_d, the two SK payload protections, SK_pi/SK_pr). Owned by the IKE thread alone.
 */
final class IkeSa {
    /** REKEYED: replaced by a rekey the peer started; it answers requests until the peer deletes it. */
    enum State { INIT_SENT, INIT_DONE, AUTH_SENT, ESTABLISHED, REKEYED, DELETING, DEAD }

    final SwanctlConfig.Connection conn;
    final boolean initiator;
    final long spiI;
    long spiR;
    InetSocketAddress peer;
    /** IKE moved to the NAT-T port (and ESP is UDP-encapsulated): after NAT detection, always here (see docs/esp.md). */
    boolean natT;
    State state;
    byte[] ni, nr;
    DhGroup.Exchange dh;
    byte[] cookie;
    /** The IKE_SA_INIT request and response as sent, for the AUTH payloads. */
    byte[] initRequest, initResponse;
    Proposal chosen;
    byte[] skD, skPi, skPr;
    IkeProtection protectOut, protectIn;
    final List<ChildSa> children = new ArrayList<>();
    /** CHILD SAs we are rekeying, by their inbound SPI, with what a crossing rekey of the peer made. */
    final Map<Integer, RekeyCollision> childRekeys = new HashMap<>();
    /** CHILD SAs whose DELETE we sent, by inbound SPI: a rekey of one of them gets TEMPORARY_FAILURE (§2.25.1). */
    final Set<Integer> closingChildren = new HashSet<>();
    /** Our rekey of this IKE SA while it is in flight, with what a crossing rekey of the peer made. */
    RekeyCollision ikeRekey;
    /** The peer deleted this IKE SA while our crossing rekey of it was in flight: removed once that ends. */
    boolean deletedByPeer;
    /** The CHILD SA being set up in IKE_AUTH (initiator): its config and our SPI. */
    SwanctlConfig.Child pendingChild;
    int pendingChildSpi;
    long establishedAt;

    // message IDs (§2.2): ours for requests we send, the peer's for requests we answer
    int nextRequestId;
    int expectedRequestId;
    /** Our last response (its datagrams: fragments or one message), sent again if its request comes again. */
    List<byte[]> lastResponse;
    int lastResponseId = -1;
    /** Our request awaiting its response (its datagrams). */
    List<byte[]> pendingRequest;
    int pendingRequestId = -1;
    /** Both ends announced IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383). */
    boolean fragmentation;
    /** Fragments of the message being reassembled: its ID, the decrypted parts, the first inner payload type. */
    int fragmentsOf = -1;
    byte[][] fragments;
    int fragmentsFirst;
    java.util.function.Consumer<IkeMessage> pendingHandler;

    IkeSa(SwanctlConfig.Connection conn, boolean initiator, long spiI, InetSocketAddress peer) {
        this.conn = conn;
        this.initiator = initiator;
        this.spiI = spiI;
        this.peer = peer;
    }

    long localSpi() {
        return initiator ? spiI : spiR;
    }

    /** Flags of a message we send: the Initiator bit says we are the original initiator. */
    int flags(boolean response) {
        return (initiator ? IkeMessage.FLAG_INITIATOR : 0) | (response ? IkeMessage.FLAG_RESPONSE : 0);
    }

    /** SKEYSEED and the seven keys from the DH secret (§2.14); the secret and SKEYSEED are wiped here. */
    void deriveKeys(byte[] sharedSecret) {
        byte[] nonces = concat(ni, nr);
        byte[] skeyseed = Prf.prf(nonces, sharedSecret);
        derive(skeyseed, nonces);
        Arrays.fill(sharedSecret, (byte) 0);
        Arrays.fill(skeyseed, (byte) 0);
    }

    /** Keys of an IKE SA made by rekeying (§2.18): SKEYSEED = prf(SK_d of the old SA, g^ir (new) | Ni | Nr). */
    void deriveRekeyed(byte[] oldSkD, byte[] sharedSecret) {
        byte[] nonces = concat(ni, nr);
        byte[] skeyseed = Prf.prf(oldSkD, sharedSecret, nonces);
        derive(skeyseed, nonces);
        Arrays.fill(sharedSecret, (byte) 0);
        Arrays.fill(skeyseed, (byte) 0);
    }

    private void derive(byte[] skeyseed, byte[] nonces) {
        Proposal.Transform encr = chosen.get(Proposal.ENCR);
        boolean aead = encr.id() == IkeProtection.ENCR_AES_GCM_16;
        int ek = IkeProtection.encryptionKeyLength(encr.id(), encr.keyBits());
        int ak = aead ? 0 : 32;
        int pk = Prf.LENGTH;
        byte[] seed = concat(nonces, ByteBuffer.allocate(16).putLong(spiI).putLong(spiR).array());
        byte[] km = Prf.prfPlus(skeyseed, seed, pk + 2 * ak + 2 * ek + 2 * pk);
        int at = 0;
        skD = Arrays.copyOfRange(km, at, at += pk);
        byte[] ai = Arrays.copyOfRange(km, at, at += ak), ar = Arrays.copyOfRange(km, at, at += ak);
        byte[] ei = Arrays.copyOfRange(km, at, at += ek), er = Arrays.copyOfRange(km, at, at += ek);
        skPi = Arrays.copyOfRange(km, at, at += pk);
        skPr = Arrays.copyOfRange(km, at, at + pk);
        IkeProtection i = aead ? IkeProtection.gcm(ei) : IkeProtection.cbcHmac(ei, ai);
        IkeProtection r = aead ? IkeProtection.gcm(er) : IkeProtection.cbcHmac(er, ar);
        protectOut = initiator ? i : r;
        protectIn = initiator ? r : i;
        for (byte[] k : List.of(km, ai, ar, ei, er)) Arrays.fill(k, (byte) 0);
    }

    /** The AUTH value for a shared key (§2.15): prf(prf(PSK, "Key Pad for IKEv2"), message | nonce | prf(SK_p, ID)). */
    byte[] pskAuth(byte[] psk, boolean ofInitiator, byte[] idBody) {
        byte[] message = ofInitiator ? initRequest : initResponse;
        byte[] nonce = ofInitiator ? nr : ni;
        byte[] macedId = Prf.prf(ofInitiator ? skPi : skPr, idBody);
        byte[] padKey = Prf.prf(psk, "Key Pad for IKEv2".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] auth = Prf.prf(padKey, message, nonce, macedId);
        Arrays.fill(padKey, (byte) 0);
        return auth;
    }

    /** Forgets every key of this IKE SA (its CHILD SAs are the daemon's to remove). */
    void wipe() {
        for (byte[] k : new byte[][] {skD, skPi, skPr}) if (k != null) Arrays.fill(k, (byte) 0);
        if (protectOut != null) protectOut.destroy();
        if (protectIn != null) protectIn.destroy();
        state = State.DEAD;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    String describe() {
        return conn.name() + "[" + String.format("%016x", spiI) + "_i " + String.format("%016x", spiR) + "_r] " + peer.getAddress().getHostAddress()
                + ":" + peer.getPort();
    }
}
