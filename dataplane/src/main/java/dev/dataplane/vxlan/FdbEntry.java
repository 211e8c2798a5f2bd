package dev.dataplane.vxlan;

import dev.dataplane.encap.ethernet.EthernetFrame;

import java.util.List;

/**
 * One forwarding-database entry: a MAC address (all zeros = the default for broadcast, multicast and unknown
 * destinations) and the VTEPs its frames go to. Immutable but for the learned entry's last-seen time.
 *
 * @param state as `bridge fdb` names it: permanent and static entries are configured and never age or move;
 *              dynamic ones (learned, or added as dynamic) age out
 */
public record FdbEntry(long mac, List<Vtep> vteps, State state, Seen seen) {
    public enum State {
        PERMANENT, STATIC, DYNAMIC;

        String word() {
            return name().toLowerCase();
        }
    }

    /** When a dynamic entry was last confirmed by a received frame; written by the receive thread. */
    public static final class Seen {
        volatile long nanos;

        Seen(long nanos) {
            this.nanos = nanos;
        }
    }

    public FdbEntry {
        vteps = List.copyOf(vteps);
    }

    boolean ages() {
        return state == State.DYNAMIC;
    }

    /** The entry as `bridge fdb show` prints it, one line per VTEP. */
    void print(StringBuilder out, String device, int defaultPort, int defaultVni) {
        for (Vtep v : vteps) {
            out.append(EthernetFrame.format(mac)).append(" dev ").append(device).append(" dst ").append(v.endpoint().hostString());
            if (v.port() != defaultPort) out.append(" port ").append(v.port());
            if (v.vni() != defaultVni) out.append(" vni ").append(v.vni());
            out.append(" self");
            if (state != State.DYNAMIC) out.append(' ').append(state.word());
            out.append('\n');
        }
    }
}
