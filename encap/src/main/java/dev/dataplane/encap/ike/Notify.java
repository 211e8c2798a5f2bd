package dev.dataplane.encap.ike;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A Notify payload body (RFC 7296 §3.10): protocol, SPI and message type, then data. */
public record Notify(int protocol, byte[] spi, int type, byte[] data) {
    // errors
    public static final int UNSUPPORTED_CRITICAL_PAYLOAD = 1, INVALID_IKE_SPI = 4, INVALID_SYNTAX = 7, INVALID_MESSAGE_ID = 9,
            NO_PROPOSAL_CHOSEN = 14, INVALID_KE_PAYLOAD = 17, AUTHENTICATION_FAILED = 24, SINGLE_PAIR_REQUIRED = 34,
            NO_ADDITIONAL_SAS = 35, INTERNAL_ADDRESS_FAILURE = 36, FAILED_CP_REQUIRED = 37, TS_UNACCEPTABLE = 38,
            TEMPORARY_FAILURE = 43, CHILD_SA_NOT_FOUND = 44;
    // status
    public static final int INITIAL_CONTACT = 16384, NAT_DETECTION_SOURCE_IP = 16388, NAT_DETECTION_DESTINATION_IP = 16389,
            COOKIE = 16390, USE_TRANSPORT_MODE = 16391, REKEY_SA = 16393, ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
            NON_FIRST_FRAGMENTS_ALSO = 16395, IKEV2_FRAGMENTATION_SUPPORTED = 16430, SIGNATURE_HASH_ALGORITHMS = 16431;

    public static Notify parse(byte[] body) {
        if (body.length < 4) throw new IllegalArgumentException("Notify shorter than 4 bytes");
        int spiSize = body[1] & 0xff;
        if (4 + spiSize > body.length) throw new IllegalArgumentException("Notify SPI past the end");
        int type = ((body[2] & 0xff) << 8) | (body[3] & 0xff);
        return new Notify(body[0] & 0xff, Arrays.copyOfRange(body, 4, 4 + spiSize), type, Arrays.copyOfRange(body, 4 + spiSize, body.length));
    }

    public byte[] encode() {
        return ByteBuffer.allocate(4 + spi.length + data.length).put((byte) protocol).put((byte) spi.length).putShort((short) type)
                .put(spi).put(data).array();
    }

    public static IkeMessage.Payload payload(int type, byte[] data) {
        return new IkeMessage.Payload(IkeMessage.NOTIFY, false, new Notify(0, new byte[0], type, data).encode());
    }

    public boolean error() {
        return type < 16384;
    }
}
