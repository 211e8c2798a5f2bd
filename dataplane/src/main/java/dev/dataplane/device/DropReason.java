package dev.dataplane.device;

/** Why a packet was dropped; each reason has its own counter, so a drop is never silent. */
public enum DropReason {
    NO_ROUTE("no peer's allowed IPs cover the destination"),
    NO_ENDPOINT("the peer has no endpoint yet"),
    NO_SESSION("no valid session; staged for the handshake"),
    MALFORMED("malformed message"),
    UNKNOWN_INDEX("unknown receiver index"),
    DECRYPT_FAILED("authentication failed"),
    REPLAYED("replayed or too old counter"),
    KEY_EXPIRED("session key expired"),
    SOURCE_NOT_ALLOWED("inner source address not in the peer's allowed IPs"),
    BAD_INNER_PACKET("inner packet is not valid IPv4/IPv6"),
    HANDSHAKE_QUEUE_FULL("handshake queue full"),
    HANDSHAKE_INVALID("handshake message rejected"),
    RATE_LIMITED("handshake rate limit"),
    NO_VTEP("no forwarding entry for the destination MAC and no all-zero default entry"),
    WRONG_VNI("VXLAN network identifier is not the device's"),
    BAD_FRAME("inner Ethernet frame too short or longer than the MTU allows"),
    NO_POLICY("no outbound IPsec policy covers the packet, or its policy has no SA"),
    UNKNOWN_SPI("no SA for the SPI"),
    POLICY_MISMATCH("no inbound IPsec policy admits the packet under the SA it came with"),
    NOT_ESP("IKE message on the ESP-in-UDP port (no IKE daemon here)"),
    OVERSIZE("packet larger than the device's packet buffers"),
    IO_ERROR("I/O error");

    public final String description;

    DropReason(String description) {
        this.description = description;
    }
}
