package dev.dataplane.esp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The SAs and policies of one ESP device: the SAD and SPD. Changes come from the config file and the control
 * socket, one at a time under a lock, each checked whole before anything changes; the data threads read an
 * immutable {@link Snapshot} through one volatile field, with no lock and no allocation per packet.
 */
final class XfrmDatabase {
    private final List<SecurityAssociation> states = new ArrayList<>();
    private final List<SecurityPolicy> policies = new ArrayList<>();
    private final Consumer<SecurityAssociation> retire;
    private volatile Snapshot snapshot = Snapshot.of(List.of(), List.of());

    /** {@code retire}: what happens to an SA that leaves (its key is wiped once packets in flight are done). */
    XfrmDatabase(Consumer<SecurityAssociation> retire) {
        this.retire = retire;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Applies one parsed line; list commands print into {@code out}. Throws {@link XfrmException} (with the errno ip
     * would report) and changes nothing if the line cannot be applied; {@code check} runs on a new SA first (the
     * device refuses one its socket cannot carry).
     */
    synchronized void apply(XfrmLine line, StringBuilder out, Consumer<SecurityAssociation> check) {
        switch (line.op) {
            case STATE_ADD -> {
                SecurityAssociation sa = line.state;
                for (SecurityAssociation s : states) {
                    if (s.sameId(sa.src, sa.dst, sa.spi)) throw new XfrmException(17, "SA exists: src " + Selector.host(sa.src) + " dst "
                            + Selector.host(sa.dst) + " spi 0x" + Integer.toHexString(sa.spi));
                }
                check.accept(sa);
                states.add(sa);
            }
            case STATE_DEL -> {
                SecurityAssociation found = null;
                for (SecurityAssociation s : states) if (s.sameId(line.src, line.dst, line.spi)) found = s;
                if (found == null) throw new XfrmException(3, "no such SA: src " + Selector.host(line.src) + " dst "
                        + Selector.host(line.dst) + " spi 0x" + Integer.toHexString(line.spi));
                states.remove(found);
                publish();
                retire.accept(found);
                return;
            }
            case STATE_FLUSH -> {
                List<SecurityAssociation> gone = new ArrayList<>(states);
                states.clear();
                publish();
                gone.forEach(retire);
                return;
            }
            case POLICY_ADD -> {
                for (SecurityPolicy p : policies) {
                    if (p.sameKey(line.policy)) throw new XfrmException(17, "policy exists: src " + p.src() + " dst " + p.dst() + " dir " + p.dir().word());
                }
                policies.add(line.policy);
            }
            case POLICY_DEL -> {
                if (!policies.removeIf(p -> p.sameKey(line.policy))) {
                    throw new XfrmException(2, "no such policy: src " + line.policy.src() + " dst " + line.policy.dst() + " dir " + line.policy.dir().word());
                }
            }
            case POLICY_FLUSH -> policies.clear();
            case STATE_LIST -> states.forEach(s -> s.print(out));
            case POLICY_LIST -> policies.forEach(p -> p.print(out));
        }
        publish();
    }

    synchronized List<SecurityAssociation> states() {
        return List.copyOf(states);
    }

    synchronized int policyCount() {
        return policies.size();
    }

    private void publish() {
        snapshot = Snapshot.of(states, policies);
    }

    /** A refused change, with the errno `ip xfrm` would report (17 exists, 3 no such SA, 2 no such policy). */
    static final class XfrmException extends dev.dataplane.uapi.CommandSession.Refused {
        XfrmException(int errno, String message) {
            super(errno, message);
        }
    }

    /**
     * What the data path reads: outbound policies most specific first, each with the SA that fills its template
     * (or none yet); inbound SAs by SPI; inbound (in and fwd) policies.
     */
    static final class Snapshot {
        final SecurityPolicy[] out;
        final SecurityAssociation[] outSa;
        final SecurityPolicy[] in;
        private final int[] spis;
        private final SecurityAssociation[] bySpi;

        private Snapshot(SecurityPolicy[] out, SecurityAssociation[] outSa, SecurityPolicy[] in, int[] spis, SecurityAssociation[] bySpi) {
            this.out = out;
            this.outSa = outSa;
            this.in = in;
            this.spis = spis;
            this.bySpi = bySpi;
        }

        static Snapshot of(List<SecurityAssociation> states, List<SecurityPolicy> policies) {
            List<SecurityPolicy> outs = new ArrayList<>(), ins = new ArrayList<>();
            for (SecurityPolicy p : policies) (p.dir() == SecurityPolicy.Direction.OUT ? outs : ins).add(p);
            outs.sort(SecurityPolicy::order);
            ins.sort(SecurityPolicy::order);
            SecurityAssociation[] outSa = new SecurityAssociation[outs.size()];
            for (int i = 0; i < outs.size(); i++) {
                for (SecurityAssociation s : states) {
                    if (outs.get(i).template(s)) {
                        outSa[i] = s;   // the newest SA that fits wins, as a rekey adds the new one last
                    }
                }
            }
            int cap = 8;
            while (cap < states.size() * 2 + 2) cap <<= 1;
            int[] spis = new int[cap];
            SecurityAssociation[] bySpi = new SecurityAssociation[cap];
            // an SA is found by SPI alone (the destination is us). Operators often give both directions one SPI; the
            // SA an outbound policy sends with is then not the inbound one, so it yields its SPI to the other
            List<SecurityAssociation> sending = java.util.Arrays.asList(outSa);
            for (SecurityAssociation s : states) {
                int i = hash(s.spi) & (cap - 1);
                while (bySpi[i] != null && spis[i] != s.spi) i = (i + 1) & (cap - 1);
                if (bySpi[i] != null && sending.contains(s) && !sending.contains(bySpi[i])) continue;
                spis[i] = s.spi;
                bySpi[i] = s;
            }
            return new Snapshot(outs.toArray(SecurityPolicy[]::new), outSa, ins.toArray(SecurityPolicy[]::new), spis, bySpi);
        }

        SecurityAssociation bySpi(int spi) {
            int mask = spis.length - 1;
            for (int i = hash(spi) & mask; ; i = (i + 1) & mask) {
                SecurityAssociation s = bySpi[i];
                if (s == null) return null;
                if (spis[i] == spi) return s;
            }
        }

        private static int hash(int spi) {
            return spi * 0x9E3779B1 >>> 16;
        }
    }
}
