package dev.dataplane.esp.ike;

import dev.dataplane.crypto.ike.DhGroup;
import dev.dataplane.crypto.ike.IkeProtection;
import dev.dataplane.crypto.ike.Prf;
import dev.dataplane.encap.ike.Proposal;
import dev.dataplane.encap.ike.Proposal.Transform;

import java.util.ArrayList;
import java.util.List;

/**
 * strongSwan's proposal strings ("aes256-sha256-modp4096", "aes128gcm16-sha256-prfsha256-ecp256",
 * "chacha20poly1305-prfsha256-x25519") as IKEv2 transforms, for the algorithms this implementation has, and the
 * responder's choice among offered proposals (RFC 7296 §2.7). As in strongSwan, an integrity algorithm beside an
 * AEAD is dropped (sha256 then only names the PRF of an IKE proposal), and ESP proposals say "no ESN" unless they
 * name esn.
 */
final class ProposalSpec {
    static final int AUTH_HMAC_SHA2_256_128 = IkeProtection.INTEG_HMAC_SHA2_256_128;
    private static final int ESN_NO = 0, ESN_YES = 1;

    private ProposalSpec() {}

    /** One comma-separated list of proposal strings, for IKE ({@code esp} false) or for ESP. */
    static List<List<Transform>> parseList(String text, boolean esp) {
        List<List<Transform>> out = new ArrayList<>();
        for (String p : text.split(",")) {
            if (!p.isBlank()) out.add(parse(p.strip(), esp));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("no proposal");
        return out;
    }

    static List<Transform> parse(String proposal, boolean esp) {
        Transform encr = null, integ = null, prf = null, dh = null, esn = null;
        for (String word : proposal.toLowerCase(java.util.Locale.ROOT).split("-")) {
            switch (word) {
                case "aes128", "aes192", "aes256" -> encr = new Transform(Proposal.ENCR, IkeProtection.ENCR_AES_CBC, Integer.parseInt(word.substring(3)));
                case "aes128gcm16", "aes256gcm16", "aes128gcm128", "aes256gcm128" ->
                        encr = new Transform(Proposal.ENCR, IkeProtection.ENCR_AES_GCM_16, Integer.parseInt(word.substring(3, 6)));
                case "chacha20poly1305" -> encr = new Transform(Proposal.ENCR, IkeProtection.ENCR_CHACHA20_POLY1305, 0);
                case "sha256", "sha2_256" -> {
                    integ = new Transform(Proposal.INTEG, AUTH_HMAC_SHA2_256_128, 0);
                    if (prf == null) prf = new Transform(Proposal.PRF, Prf.ID_HMAC_SHA2_256, 0);
                }
                case "prfsha256" -> prf = new Transform(Proposal.PRF, Prf.ID_HMAC_SHA2_256, 0);
                case "modp2048" -> dh = group(DhGroup.MODP_2048);
                case "modp4096" -> dh = group(DhGroup.MODP_4096);
                case "ecp256" -> dh = group(DhGroup.ECP_256);
                case "x25519", "curve25519" -> dh = group(DhGroup.CURVE25519);
                case "esn" -> esn = new Transform(Proposal.ESN, ESN_YES, 0);
                case "noesn" -> esn = new Transform(Proposal.ESN, ESN_NO, 0);
                default -> throw new IllegalArgumentException("'" + word + "' in proposal " + proposal + " is not supported (aes128|aes256"
                        + "[gcm16], chacha20poly1305, sha256, prfsha256, modp2048, modp4096, ecp256, x25519, esn, noesn)");
            }
        }
        if (encr == null) throw new IllegalArgumentException("proposal " + proposal + " names no encryption algorithm");
        boolean aead = encr.id() != IkeProtection.ENCR_AES_CBC;
        if (aead) integ = null;
        List<Transform> t = new ArrayList<>();
        t.add(encr);
        if (esp) {
            if (!aead) throw new IllegalArgumentException("ESP proposal " + proposal + ": the ESP data path has AEADs only (aes128gcm16, aes256gcm16, chacha20poly1305)");
            if (encr.id() == IkeProtection.ENCR_AES_GCM_16 && encr.keyBits() == 192) throw new IllegalArgumentException("aes192gcm16 is not supported");
            if (dh != null) t.add(dh);
            t.add(esn != null ? esn : new Transform(Proposal.ESN, ESN_NO, 0));
            return List.copyOf(t);
        }
        if (encr.id() == IkeProtection.ENCR_CHACHA20_POLY1305) throw new IllegalArgumentException("IKE proposal " + proposal
                + ": chacha20poly1305 is supported for ESP only; use aes256gcm16 or aes256 for IKE");
        if (prf == null) throw new IllegalArgumentException("IKE proposal " + proposal + " names no PRF (sha256 or prfsha256)");
        if (!aead && integ == null) throw new IllegalArgumentException("IKE proposal " + proposal + " names no integrity algorithm (sha256)");
        if (dh == null) throw new IllegalArgumentException("IKE proposal " + proposal + " names no DH group");
        if (esn != null) throw new IllegalArgumentException("esn belongs to ESP proposals");
        t.add(prf);
        if (integ != null) t.add(integ);
        t.add(dh);
        return List.copyOf(t);
    }

    private static Transform group(DhGroup g) {
        return new Transform(Proposal.DH, g.id, 0);
    }

    /**
     * The responder's choice: the first offered proposal (in the initiator's order) that contains, for each
     * transform type of one of ours, that same transform, and asks for no type we lack. Returns our transforms
     * under the offered proposal's number and SPI, or null. {@code ignoreDh}: the CHILD SA of IKE_AUTH, where a
     * DH group in an ESP proposal is ignored (RFC 7296 §1.2).
     */
    static Proposal choose(List<Proposal> offered, List<List<Transform>> ours, int protocol, boolean ignoreDh) {
        for (Proposal o : offered) {
            if (o.protocol() != protocol) continue;
            for (List<Transform> mine : ours) {
                List<Transform> m = ignoreDh ? mine.stream().filter(t -> t.type() != Proposal.DH).toList() : mine;
                if (matches(o, m, ignoreDh)) return new Proposal(o.number(), protocol, o.spi(), m);
            }
        }
        return null;
    }

    private static boolean matches(Proposal offered, List<Transform> mine, boolean ignoreDh) {
        for (Transform t : mine) {
            if (!offered.transforms().contains(t)) return false;
        }
        for (Transform t : offered.transforms()) {
            if (ignoreDh && t.type() == Proposal.DH) continue;
            if (t.type() == Proposal.DH && t.id() == 0) continue;   // "NONE" DH offered beside a group
            boolean ours = mine.stream().anyMatch(x -> x.type() == t.type());
            if (!ours) return false;
        }
        return true;
    }

    static String describe(List<Transform> ts) {
        StringBuilder sb = new StringBuilder();
        for (Transform t : ts) {
            String name = switch (t.type()) {
                case Proposal.ENCR -> switch (t.id()) {
                    case IkeProtection.ENCR_AES_CBC -> "AES_CBC_" + t.keyBits();
                    case IkeProtection.ENCR_AES_GCM_16 -> "AES_GCM_16_" + t.keyBits();
                    case IkeProtection.ENCR_CHACHA20_POLY1305 -> "CHACHA20_POLY1305";
                    default -> "ENCR_" + t.id();
                };
                case Proposal.PRF -> t.id() == Prf.ID_HMAC_SHA2_256 ? "PRF_HMAC_SHA2_256" : "PRF_" + t.id();
                case Proposal.INTEG -> t.id() == AUTH_HMAC_SHA2_256_128 ? "HMAC_SHA2_256_128" : "INTEG_" + t.id();
                case Proposal.DH -> {
                    DhGroup g = DhGroup.byId(t.id());
                    yield g == null ? "DH_" + t.id() : g.name();
                }
                case Proposal.ESN -> t.id() == ESN_YES ? "ESN" : "NO_EXT_SEQ";
                default -> "T" + t.type() + "_" + t.id();
            };
            if (!sb.isEmpty()) sb.append('/');
            sb.append(name);
        }
        return sb.toString();
    }
}
