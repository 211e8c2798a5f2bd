package dev.dataplane.encap.ike;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An IKEv2 message (RFC 7296 §3.1-3.2): the 28-byte header and a chain of payloads, each kept as its type, its
 * critical bit and its body. An Encrypted (SK) payload is the last one; {@link #skOffset} tells where its header
 * starts so the caller can authenticate and decrypt it, then read the inner chain with {@link #parseChain}.
 * Anything malformed is an {@link IllegalArgumentException}, never an out-of-bounds read.
 */
public final class IkeMessage {
    public static final int HEADER = 28;
    public static final int MAX_LENGTH = 65535;
    public static final int IKE_SA_INIT = 34, IKE_AUTH = 35, CREATE_CHILD_SA = 36, INFORMATIONAL = 37;
    public static final int FLAG_INITIATOR = 0x08, FLAG_RESPONSE = 0x20;
    public static final int NONE = 0, SA = 33, KE = 34, IDI = 35, IDR = 36, CERT = 37, CERTREQ = 38, AUTH = 39, NONCE = 40,
            NOTIFY = 41, DELETE = 42, VENDOR = 43, TSI = 44, TSR = 45, SK = 46, CP = 47, EAP = 48, SKF = 53;

    /** One payload: its type, the critical bit, and its body (after the 4-byte generic header). */
    public record Payload(int type, boolean critical, byte[] body) {}

    public final long spiI, spiR;
    public final int exchange, flags, messageId;
    public final List<Payload> payloads;
    /** Where the SK payload's generic header starts, or -1 if there is none; its inner chain starts with {@link #skFirst}. */
    public final int skOffset, skFirst;

    private IkeMessage(long spiI, long spiR, int exchange, int flags, int messageId, List<Payload> payloads, int skOffset, int skFirst) {
        this.spiI = spiI;
        this.spiR = spiR;
        this.exchange = exchange;
        this.flags = flags;
        this.messageId = messageId;
        this.payloads = payloads;
        this.skOffset = skOffset;
        this.skFirst = skFirst;
    }

    public boolean response() {
        return (flags & FLAG_RESPONSE) != 0;
    }

    public boolean fromInitiator() {
        return (flags & FLAG_INITIATOR) != 0;
    }

    public static IkeMessage parse(byte[] data) {
        if (data.length < HEADER) throw new IllegalArgumentException("IKE message shorter than its header");
        ByteBuffer b = ByteBuffer.wrap(data);
        long spiI = b.getLong(0), spiR = b.getLong(8);
        int next = data[16] & 0xff;
        int version = data[17] & 0xff;
        if (version >> 4 != 2) throw new IllegalArgumentException("IKE major version " + (version >> 4));
        int exchange = data[18] & 0xff, flags = data[19] & 0xff;
        int messageId = b.getInt(20);
        long length = b.getInt(24) & 0xffffffffL;
        if (length != data.length) throw new IllegalArgumentException("IKE length " + length + " but " + data.length + " bytes arrived");
        List<Payload> payloads = new ArrayList<>();
        int at = HEADER, skOffset = -1, skFirst = NONE;
        while (next != NONE) {
            if (at + 4 > data.length) throw new IllegalArgumentException("payload header past the end");
            int following = data[at] & 0xff;
            boolean critical = (data[at + 1] & 0x80) != 0;
            int plen = b.getShort(at + 2) & 0xffff;
            if (plen < 4 || at + plen > data.length) throw new IllegalArgumentException("payload length " + plen + " out of range");
            if (next == SK || next == SKF) {
                if (at + plen != data.length) throw new IllegalArgumentException("the Encrypted payload is not the last");
                skOffset = at;
                skFirst = following;
                payloads.add(new Payload(next, critical, java.util.Arrays.copyOfRange(data, at + 4, at + plen)));
                break;
            }
            payloads.add(new Payload(next, critical, java.util.Arrays.copyOfRange(data, at + 4, at + plen)));
            next = following;
            at += plen;
        }
        if (skOffset < 0 && at != data.length) throw new IllegalArgumentException("bytes after the last payload");
        return new IkeMessage(spiI, spiR, exchange, flags, messageId, List.copyOf(payloads), skOffset, skFirst);
    }

    /** The payload chain in {@code data[off, end)} starting with type {@code first} (the inside of an SK payload). */
    public static List<Payload> parseChain(byte[] data, int off, int end, int first) {
        List<Payload> payloads = new ArrayList<>();
        int next = first, at = off;
        while (next != NONE) {
            if (at + 4 > end) throw new IllegalArgumentException("payload header past the end");
            int following = data[at] & 0xff;
            boolean critical = (data[at + 1] & 0x80) != 0;
            int plen = ((data[at + 2] & 0xff) << 8) | (data[at + 3] & 0xff);
            if (plen < 4 || at + plen > end) throw new IllegalArgumentException("payload length " + plen + " out of range");
            payloads.add(new Payload(next, critical, java.util.Arrays.copyOfRange(data, at + 4, at + plen)));
            next = following;
            at += plen;
        }
        if (at != end) throw new IllegalArgumentException("bytes after the last payload");
        return payloads;
    }

    /** Payloads as a chain (generic headers linked); the first payload's type goes into whatever precedes it. */
    public static byte[] encodeChain(List<Payload> payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < payloads.size(); i++) {
            Payload p = payloads.get(i);
            int next = i + 1 < payloads.size() ? payloads.get(i + 1).type() : NONE;
            int len = 4 + p.body().length;
            if (len > 0xffff) throw new IllegalArgumentException("payload too long");
            out.write(next);
            out.write(p.critical() ? 0x80 : 0);
            out.write(len >> 8);
            out.write(len);
            out.writeBytes(p.body());
        }
        return out.toByteArray();
    }

    /** The 28-byte header for a message of {@code length} bytes whose first payload is {@code first}. */
    public static byte[] header(long spiI, long spiR, int first, int exchange, int flags, int messageId, int length) {
        return ByteBuffer.allocate(HEADER).putLong(spiI).putLong(spiR).put((byte) first).put((byte) 0x20).put((byte) exchange)
                .put((byte) flags).putInt(messageId).putInt(length).array();
    }

    /** A plain (unencrypted) message: IKE_SA_INIT and its responses. */
    public static byte[] plain(long spiI, long spiR, int exchange, int flags, int messageId, List<Payload> payloads) {
        byte[] chain = encodeChain(payloads);
        byte[] h = header(spiI, spiR, payloads.isEmpty() ? NONE : payloads.getFirst().type(), exchange, flags, messageId, HEADER + chain.length);
        byte[] msg = java.util.Arrays.copyOf(h, HEADER + chain.length);
        System.arraycopy(chain, 0, msg, HEADER, chain.length);
        return msg;
    }

    /** The same header with other payloads: a decrypted message, its inner chain in place of the SK payload. */
    public IkeMessage withPayloads(List<Payload> inner) {
        return new IkeMessage(spiI, spiR, exchange, flags, messageId, List.copyOf(inner), -1, NONE);
    }

    public Payload first(int type) {
        for (Payload p : payloads) if (p.type() == type) return p;
        return null;
    }
}
