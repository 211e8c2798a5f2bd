package dev.dataplane.device;

import java.util.Base64;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Devices' counters in Prometheus' text exposition format (version 0.0.4): WireGuard's per-peer series here,
 * and the series every mode shares (drops by reason, one-value series) for {@link Device#trafficMetrics}.
 * Reads only atomic and volatile fields, so it runs on the metrics server's thread without stopping the data
 * path. Names: docs/metrics.md.
 */
final class PrometheusText {
    private PrometheusText() {}

    static String render(WgDevice d, List<Peer> peers, long txQueue, long rxQueue) {
        StringBuilder out = new StringBuilder(1024 + 700 * peers.size());
        String dev = "interface=\"" + d.name + "\"";
        // each peer's labels once per scrape, not once per series
        String[] labels = new String[peers.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = "{" + dev + ",public_key=\"" + Base64.getEncoder().encodeToString(peers.get(i).publicKey) + "\"} ";
        }
        perPeer(out, peers, labels, "dataplane_peer_receive_bytes_total", "counter",
                "Bytes received from the peer: data and handshake messages, as wg show transfer counts them.", p -> p.rx.bytes());
        perPeer(out, peers, labels, "dataplane_peer_transmit_bytes_total", "counter",
                "Bytes sent to the peer.", p -> p.tx.bytes());
        perPeer(out, peers, labels, "dataplane_peer_receive_packets_total", "counter",
                "Authenticated messages received from the peer.", p -> p.rx.packets());
        perPeer(out, peers, labels, "dataplane_peer_transmit_packets_total", "counter",
                "Messages sent to the peer.", p -> p.tx.packets());
        perPeer(out, peers, labels, "dataplane_peer_last_handshake_seconds", "gauge",
                "Unix time of the last completed handshake; 0 if none.", p -> p.lastHandshakeEpochNanos / 1_000_000_000L);
        perPeer(out, peers, labels, "dataplane_peer_handshakes_completed_total", "counter",
                "Handshakes completed with the peer, as initiator or responder.", p -> p.handshakesCompleted.get());
        perPeer(out, peers, labels, "dataplane_peer_handshake_initiations_sent_total", "counter",
                "Handshake initiations sent to the peer, retransmissions included.", p -> p.initiationsSent.get());
        perPeer(out, peers, labels, "dataplane_peer_handshake_responses_sent_total", "counter",
                "Handshake responses sent to the peer.", p -> p.responsesSent.get());
        perPeer(out, peers, labels, "dataplane_peer_handshake_initiations_received_total", "counter",
                "Handshake initiations from the peer that authenticated and were accepted.", p -> p.initiationsReceived.get());
        perPeer(out, peers, labels, "dataplane_peer_handshake_responses_received_total", "counter",
                "Handshake responses from the peer that authenticated and completed our initiation.", p -> p.responsesReceived.get());

        drops(out, dev, d);
        series(out, dev, "dataplane_cookie_replies_sent_total", "counter", "Cookie replies sent (under load).", d.stats.cookieRepliesSent());
        series(out, dev, "dataplane_replies_sent_on_write_total", "counter",
                "Batches the wire-side thread read from the TUN device and sent right after writing to it: replies the kernel made"
                        + " at once (echo replies, TCP ACKs), sent without waking the TUN-side thread (one thread per direction).",
                d.stats.repliesSentOnWrite());
        series(out, dev, "dataplane_peers", "gauge", "Configured peers.", peers.size());
        series(out, dev, "dataplane_handshake_queue_depth", "gauge", "Handshake messages waiting for the control thread.",
                d.control.handshakeBacklog());
        header(out, "dataplane_pipeline_queue_depth", "gauge",
                "Packets inside a pipeline ring (the --workers N mode; always 0 inline).");
        out.append("dataplane_pipeline_queue_depth{").append(dev).append(",direction=\"outbound\"} ").append(txQueue).append('\n');
        out.append("dataplane_pipeline_queue_depth{").append(dev).append(",direction=\"inbound\"} ").append(rxQueue).append('\n');
        return out.toString();
    }

    private static void perPeer(StringBuilder out, List<Peer> peers, String[] labels, String name, String type, String help,
                                ToLongFunction<Peer> value) {
        header(out, name, type, help);
        for (int i = 0; i < labels.length; i++) {
            out.append(name).append(labels[i]).append(value.applyAsLong(peers.get(i))).append('\n');
        }
    }

    /** One series with its HELP and TYPE lines; {@code dev} is the interface label. */
    static void series(StringBuilder out, String dev, String name, String type, String help, long value) {
        header(out, name, type, help);
        out.append(name).append('{').append(dev).append("} ").append(value).append('\n');
    }

    /** dataplane_drops_total: one series per reason, zeros included, so that rates need no absent() guards. */
    static void drops(StringBuilder out, String dev, Device d) {
        header(out, "dataplane_drops_total", "counter", "Packets dropped, by reason; every drop is counted once.");
        for (DropReason r : DropReason.values()) {
            out.append("dataplane_drops_total{").append(dev).append(",reason=\"").append(r.name().toLowerCase())
                    .append("\"} ").append(d.drops(r)).append('\n');
        }
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }
}
