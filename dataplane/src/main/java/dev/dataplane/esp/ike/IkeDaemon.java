package dev.dataplane.esp.ike;

import dev.dataplane.crypto.ike.DhGroup;
import dev.dataplane.crypto.ike.Prf;
import dev.dataplane.encap.ike.IkeMessage;
import dev.dataplane.encap.ike.IkeMessage.Payload;
import dev.dataplane.encap.ike.Notify;
import dev.dataplane.encap.ike.Proposal;
import dev.dataplane.encap.ike.TrafficSelector;
import dev.dataplane.esp.EspDevice;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * IKEv2 (RFC 7296) for the ESP device: initiator and responder of IKE_SA_INIT and IKE_AUTH with pre-shared keys,
 * INFORMATIONAL (DELETE, liveness), retransmission of requests and of the last response. The CHILD SAs it
 * negotiates are installed in the device as SAs and policies. All IKE state lives on one thread; the sockets'
 * threads only hand messages over (at most {@link #MAX_QUEUED} waiting, the rest dropped and counted).
 */
public final class IkeDaemon implements AutoCloseable {
    static final int IKE_PORT = 500, NAT_T_PORT = 4500;
    private static final int MAX_QUEUED = 256;
    private static final long RETRANSMIT_BASE_MS = 1000;
    private static final int RETRANSMIT_TRIES = 5;
    private static final int NONCE_LENGTH = 32;
    private static final int AUTH_SHARED_KEY = 2;
    /** Half-open IKE SAs (IKE_SA_INIT answered, no IKE_AUTH yet) beyond which a cookie is required (§2.6). */
    private static final int COOKIE_THRESHOLD = Integer.getInteger("dataplane.ikeCookieThreshold", 16);
    /** A half-open IKE SA is forgotten after this long. */
    private static final long HALF_OPEN_SECONDS = 30;
    /** How long an IKE SA replaced by the peer's rekey waits for the peer's DELETE before we send one. */
    private static final long REKEYED_GRACE_SECONDS = 30;
    /** Encrypted messages longer than this go out in fragments (RFC 7383) when the peer supports them. */
    private static final int FRAGMENT_SIZE = Integer.getInteger("dataplane.ikeFragmentSize", 1280);
    private static final int MAX_FRAGMENTS = 32;
    /**
     * For tests, so that two rekeys cross for certain: CREATE_CHILD_SA requests are handled this much later (a slow
     * peer), or handled at once and answered this much later (a slow path).
     */
    private static final long CREATE_CHILD_DELAY_MS = Long.getLong("dataplane.ikeCreateChildDelayMs", 0),
            CREATE_CHILD_ANSWER_DELAY_MS = Long.getLong("dataplane.ikeCreateChildAnswerDelayMs", 0);

    private final EspDevice device;
    private final SwanctlConfig config;
    private final Consumer<String> log;
    private final Routes routes;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService thread;
    private final DatagramChannel port500;
    private final Thread receiver;
    private final AtomicInteger queued = new AtomicInteger();
    /** IKE SAs by our SPI. */
    private final Map<Long, IkeSa> sas = new HashMap<>();
    private int nextReqid = 1;
    /** The cookie secret (§2.6): cookies are a hash of it, the initiator's nonce, address and SPI. */
    private final byte[] cookieSecret = new byte[32];
    private volatile boolean closed;
    /** Messages dropped: malformed, unknown SPI, failed authentication, or over the queue limit. */
    final AtomicInteger dropped = new AtomicInteger();
    private long lastDropLogNanos;

    /** Adds and removes the routes to a CHILD SA's remote subnets through the device (install_policy = yes). */
    public interface Routes {
        void add(TrafficSelector remote);

        void remove(TrafficSelector remote);
    }

    public IkeDaemon(EspDevice device, String swanctlText, Consumer<String> log, Routes routes) throws IOException {
        this.config = SwanctlConfig.parse(swanctlText);
        random.nextBytes(cookieSecret);
        this.device = device;
        this.log = log;
        this.routes = routes;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("ike").unstarted(r));
        this.port500 = DatagramChannel.open(StandardProtocolFamily.INET6);
        port500.bind(new InetSocketAddress(IKE_PORT));
        device.serveIke((msg, from) -> enqueue(msg, from, true));
        this.receiver = Thread.ofPlatform().daemon().name("ike-500").start(this::receive500);
    }

    /** Starts the connections whose children say start_action = start. */
    public void start() {
        for (SwanctlConfig.Connection c : config.connections()) {
            if (c.remote() != null && c.children().stream().anyMatch(ch -> ch.startAction().contains("start"))) {
                later(() -> initiate(c), 0, TimeUnit.MILLISECONDS);
            }
        }
    }

    // ---------------------------------------------------------------- control (ctl NAME ike …)

    /** `ike list`: every IKE SA and its CHILD SAs, as lines; then the count of dropped messages, if any. */
    public String list() {
        return call(() -> {
            StringBuilder sb = new StringBuilder();
            if (dropped.get() > 0) sb.append("dropped ").append(dropped.get()).append(" IKE messages\n");
            for (IkeSa sa : sas.values()) {
                if (sa.state == IkeSa.State.DEAD) continue;
                sb.append(sa.describe()).append(' ').append(sa.state).append(sa.initiator ? " initiator" : " responder")
                        .append(sa.chosen == null ? "" : " " + ProposalSpec.describe(sa.chosen.transforms())).append('\n');
                for (ChildSa c : sa.children) {
                    sb.append("  ").append(c.config().name()).append(" reqid ").append(c.reqid()).append(" in ")
                            .append(String.format("%08x", c.spiIn())).append(" out ").append(String.format("%08x", c.spiOut())).append(' ')
                            .append(c.algorithm()).append(' ').append(c.localTs()).append(" === ").append(c.remoteTs()).append('\n');
                }
            }
            return sb.toString();
        });
    }

    /** `ike initiate NAME` (a connection or one of its children). */
    public String initiate(String name) {
        return call(() -> {
            for (SwanctlConfig.Connection c : config.connections()) {
                if (c.name().equals(name) || c.children().stream().anyMatch(ch -> ch.name().equals(name))) {
                    if (c.remote() == null) throw new IllegalArgumentException(name + ": remote_addrs is %any, nothing to initiate to");
                    initiate(c);
                    return "initiating " + c.name() + "\n";
                }
            }
            throw new IllegalArgumentException("no connection or child " + name);
        });
    }

    /** `ike terminate NAME`: deletes its IKE SAs (and with them their CHILD SAs), telling the peer. */
    public String terminate(String name) {
        return call(() -> {
            int n = 0;
            for (IkeSa sa : new ArrayList<>(sas.values())) {
                if (!sa.conn.name().equals(name) || sa.state == IkeSa.State.DEAD) continue;
                n++;
                if (sa.state == IkeSa.State.ESTABLISHED) {
                    deleteIke(sa, "terminated");
                } else {
                    remove(sa, "terminated");
                }
            }
            if (n == 0) throw new IllegalArgumentException("no IKE SA of " + name);
            return "terminating " + n + " IKE SA(s) of " + name + "\n";
        });
    }

    /**
     * Runs {@code task} on the IKE thread after {@code delay}. A task that fails is logged: nothing on this thread
     * may end silently, and the thread itself goes on.
     */
    private void later(Runnable task, long delay, TimeUnit unit) {
        if (closed) return;
        try {
            thread.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.accept("ike: internal error, the exchange is abandoned: " + e);
                }
            }, delay, unit);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // shutting down
        }
    }

    private <T> T call(java.util.concurrent.Callable<T> task) {
        try {
            return thread.submit(task).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("the IKE thread did not answer: " + e);
        }
    }

    // ---------------------------------------------------------------- I/O

    private void receive500() {
        ByteBuffer buf = ByteBuffer.allocate(IkeMessage.MAX_LENGTH);
        while (!closed) {
            try {
                buf.clear();
                InetSocketAddress from = (InetSocketAddress) port500.receive(buf);
                buf.flip();
                byte[] msg = new byte[buf.remaining()];
                buf.get(msg);
                enqueue(msg, unmap(from), false);
            } catch (IOException e) {
                if (!closed) log.accept("ike: port 500: " + e.getMessage());
                return;
            }
        }
    }

    private void enqueue(byte[] msg, InetSocketAddress from, boolean natT) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        Runnable handle = () -> {
            queued.decrementAndGet();
            try {
                receive(msg, from, natT);
            } catch (RuntimeException e) {
                dropped.incrementAndGet();
                long now = System.nanoTime();
                if (now - lastDropLogNanos > 10_000_000_000L) {   // a flood of garbage must not flood the log
                    lastDropLogNanos = now;
                    log.accept("ike: dropped a message from " + from.getAddress().getHostAddress() + ": " + e.getMessage()
                            + " (" + dropped.get() + " dropped so far; at most one such line per 10 s)");
                }
            }
        };
        if (CREATE_CHILD_DELAY_MS > 0 && isCreateChildRequest(msg)) thread.schedule(handle, CREATE_CHILD_DELAY_MS, TimeUnit.MILLISECONDS);
        else thread.execute(handle);
    }

    /** The IKE header's exchange type (offset 18) is CREATE_CHILD_SA and its flags (offset 19) lack the Response bit. */
    private static boolean isCreateChildRequest(byte[] msg) {
        return msg.length >= 28 && msg[18] == IkeMessage.CREATE_CHILD_SA && (msg[19] & IkeMessage.FLAG_RESPONSE) == 0;
    }

    private void send(IkeSa sa, byte[] msg) {
        send(sa, msg, sa.natT);
    }

    private void send(IkeSa sa, byte[] msg, boolean natT) {
        try {
            if (natT) device.sendIke(msg, sa.peer);
            else port500.send(ByteBuffer.wrap(msg), sa.peer);
        } catch (IOException e) {
            log.accept("ike: sending to " + sa.peer + ": " + e.getMessage());
        }
    }

    private static InetSocketAddress unmap(InetSocketAddress a) {
        byte[] b = a.getAddress().getAddress();
        try {
            if (b.length == 16 && isMapped(b)) return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)), a.getPort());
        } catch (java.net.UnknownHostException ignored) {
            // not reached: four bytes are an address
        }
        return a;
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    // ---------------------------------------------------------------- dispatch

    private void receive(byte[] raw, InetSocketAddress from, boolean natT) {
        IkeMessage m = IkeMessage.parse(raw);
        if (!m.response() && m.exchange == IkeMessage.IKE_SA_INIT && m.spiR == 0) {
            respondInit(m, raw, from, natT);
            return;
        }
        IkeSa sa = sas.get(m.fromInitiator() ? m.spiR : m.spiI);
        if (sa == null || sa.state == IkeSa.State.DEAD) {
            dropped.incrementAndGet();
            return;
        }
        if (natT && !sa.natT) sa.natT = true;
        if (!from.equals(sa.peer)) sa.peer = from;   // a NAT rebinding moves the peer (RFC 7296 §2.23)
        if (m.response()) {
            if (m.messageId != sa.pendingRequestId || sa.pendingRequest == null) return;   // late or duplicate
            Consumer<IkeMessage> handler = sa.pendingHandler;
            if (m.exchange == IkeMessage.IKE_SA_INIT) {
                sa.pendingRequest = null;
                sa.pendingHandler = null;
                sa.initResponse = raw;
                handler.accept(m);
                return;
            }
            IkeMessage inner = decrypt(sa, m, raw);
            if (inner == null) return;   // forged, or more fragments to come
            sa.pendingRequest = null;
            sa.pendingHandler = null;
            handler.accept(inner);
            return;
        }
        if (m.messageId == sa.lastResponseId && sa.lastResponse != null) {   // our response was lost: send it again
            boolean firstFragment = m.payloads.getLast().type() != IkeMessage.SKF || (m.payloads.getLast().body().length > 1
                    && m.payloads.getLast().body()[1] == 1 && m.payloads.getLast().body()[0] == 0);
            if (firstFragment) sa.lastResponse.forEach(d -> send(sa, d));
            return;
        }
        if (m.messageId != sa.expectedRequestId) return;
        IkeMessage inner = decrypt(sa, m, raw);
        if (inner == null) return;
        switch (m.exchange) {
            case IkeMessage.IKE_AUTH -> respondAuth(sa, inner);
            case IkeMessage.INFORMATIONAL -> respondInformational(sa, inner);
            case IkeMessage.CREATE_CHILD_SA -> respondCreateChild(sa, inner);
            default -> respond(sa, inner, m.exchange, List.of(Notify.payload(Notify.INVALID_SYNTAX, new byte[0])));
        }
    }

    /**
     * The SK payload of {@code m} opened, as a message with the inner payloads; null (counted) if it does not
     * authenticate, or while fragments (SKF, RFC 7383) of it are still missing.
     */
    private IkeMessage decrypt(IkeSa sa, IkeMessage m, byte[] raw) {
        if (m.skOffset < 0 || sa.protectIn == null) {
            dropped.incrementAndGet();
            return null;
        }
        boolean fragment = m.payloads.getLast().type() == IkeMessage.SKF;
        byte[] plain = sa.protectIn.open(raw, m.skOffset + 4 + (fragment ? 4 : 0));
        if (plain == null) {
            dropped.incrementAndGet();
            log.accept("ike: " + sa.describe() + ": a message did not authenticate");
            return null;
        }
        if (!fragment) return m.withPayloads(IkeMessage.parseChain(plain, 0, plain.length, m.skFirst));
        byte[] body = m.payloads.getLast().body();
        int number = ((body[0] & 0xff) << 8) | (body[1] & 0xff), total = ((body[2] & 0xff) << 8) | (body[3] & 0xff);
        if (number < 1 || total < 1 || number > total || total > MAX_FRAGMENTS) {
            dropped.incrementAndGet();
            return null;
        }
        if (sa.fragmentsOf != m.messageId || sa.fragments == null || sa.fragments.length != total) {
            sa.fragmentsOf = m.messageId;
            sa.fragments = new byte[total][];
        }
        sa.fragments[number - 1] = plain;
        if (number == 1) sa.fragmentsFirst = m.skFirst;
        for (byte[] f : sa.fragments) if (f == null) return null;
        byte[] whole = IkeSa.concat(sa.fragments);
        sa.fragments = null;
        sa.fragmentsOf = -1;
        return m.withPayloads(IkeMessage.parseChain(whole, 0, whole.length, sa.fragmentsFirst));
    }


    // ---------------------------------------------------------------- sending requests and responses

    private void request(IkeSa sa, int exchange, List<Payload> payloads, Consumer<IkeMessage> onResponse) {
        int id = sa.nextRequestId++;
        List<byte[]> msg = wire(sa, exchange, sa.flags(false), id, payloads);
        sa.pendingRequest = msg;
        sa.pendingRequestId = id;
        sa.pendingHandler = onResponse;
        msg.forEach(d -> send(sa, d));
        scheduleRetransmit(sa, msg, 0);
    }

    private void scheduleRetransmit(IkeSa sa, List<byte[]> msg, int tries) {
        later(() -> {
            if (sa.pendingRequest != msg || sa.state == IkeSa.State.DEAD) return;
            if (tries + 1 >= RETRANSMIT_TRIES) {
                log.accept("ike: " + sa.describe() + ": no answer after " + RETRANSMIT_TRIES + " tries; giving up");
                // our rekey crossed the peer's, whose new IKE SA answers: the CHILD SAs waiting here go on with it
                if (sa.ikeRekey != null && sa.ikeRekey.happened()) moveChildren(sa, sa.ikeRekey.peersIke);
                boolean restart = sa.conn.remote() != null && sa.children.stream().anyMatch(c -> c.config().restarts(true));
                // REKEYED: replaced by the peer's rekey, so not a failed set-up to be tried again
                boolean wasUp = sa.state == IkeSa.State.ESTABLISHED || sa.state == IkeSa.State.DELETING || sa.state == IkeSa.State.REKEYED;
                remove(sa, "peer not responding");
                if (wasUp && restart) restartLater(sa.conn, "dpd_action");
                else if (!wasUp) retryLater(sa.conn, sa.initiator);
                return;
            }
            msg.forEach(d -> send(sa, d));
            scheduleRetransmit(sa, msg, tries + 1);
        }, RETRANSMIT_BASE_MS << tries, TimeUnit.MILLISECONDS);
    }

    private void respond(IkeSa sa, IkeMessage request, int exchange, List<Payload> payloads) {
        List<byte[]> msg = wire(sa, exchange, sa.flags(true), request.messageId, payloads);
        sa.lastResponse = msg;
        sa.lastResponseId = request.messageId;
        sa.expectedRequestId = request.messageId + 1;
        if (CREATE_CHILD_ANSWER_DELAY_MS > 0 && exchange == IkeMessage.CREATE_CHILD_SA) {
            later(() -> msg.forEach(d -> send(sa, d)), CREATE_CHILD_ANSWER_DELAY_MS, TimeUnit.MILLISECONDS);
            return;
        }
        msg.forEach(d -> send(sa, d));
    }

    private byte[] encrypt(IkeSa sa, int exchange, int flags, int id, List<Payload> payloads) {
        byte[] inner = IkeMessage.encodeChain(payloads);
        int first = payloads.isEmpty() ? IkeMessage.NONE : payloads.getFirst().type();
        int body = sa.protectOut.bodyLength(inner.length);
        int total = IkeMessage.HEADER + 4 + body;
        byte[] h = IkeMessage.header(sa.spiI, sa.spiR, IkeMessage.SK, exchange, flags, id, total);
        byte[] head = Arrays.copyOf(h, IkeMessage.HEADER + 4);
        head[IkeMessage.HEADER] = (byte) first;
        head[IkeMessage.HEADER + 2] = (byte) ((4 + body) >> 8);
        head[IkeMessage.HEADER + 3] = (byte) (4 + body);
        return sa.protectOut.seal(head, inner);
    }

    /**
     * The message as it goes on the wire: whole, or — when it is longer than the fragment size and the peer
     * supports it (RFC 7383) — as Encrypted Fragment messages, each protected on its own. Returns the datagrams.
     */
    private List<byte[]> wire(IkeSa sa, int exchange, int flags, int id, List<Payload> payloads) {
        byte[] whole = encrypt(sa, exchange, flags, id, payloads);
        if (!sa.fragmentation || whole.length <= FRAGMENT_SIZE || exchange == IkeMessage.IKE_SA_INIT) return List.of(whole);
        byte[] inner = IkeMessage.encodeChain(payloads);
        int overhead = IkeMessage.HEADER + 8 + sa.protectOut.bodyLength(0);
        int chunk = Math.max(64, (FRAGMENT_SIZE - overhead - 16) & ~15);
        int count = (inner.length + chunk - 1) / chunk;
        List<byte[]> out = new ArrayList<>(count);
        for (int n = 1; n <= count; n++) {
            byte[] part = Arrays.copyOfRange(inner, (n - 1) * chunk, Math.min(inner.length, n * chunk));
            int body = 4 + sa.protectOut.bodyLength(part.length);
            int total = IkeMessage.HEADER + 4 + body;
            byte[] head = Arrays.copyOf(IkeMessage.header(sa.spiI, sa.spiR, IkeMessage.SKF, exchange, flags, id, total), IkeMessage.HEADER + 8);
            head[IkeMessage.HEADER] = (byte) (n == 1 ? payloads.getFirst().type() : IkeMessage.NONE);
            head[IkeMessage.HEADER + 2] = (byte) ((4 + body) >> 8);
            head[IkeMessage.HEADER + 3] = (byte) (4 + body);
            head[IkeMessage.HEADER + 4] = (byte) (n >> 8);
            head[IkeMessage.HEADER + 5] = (byte) n;
            head[IkeMessage.HEADER + 6] = (byte) (count >> 8);
            head[IkeMessage.HEADER + 7] = (byte) count;
            out.add(sa.protectOut.seal(head, part));
        }
        return out;
    }

    // ---------------------------------------------------------------- IKE_SA_INIT

    private void initiate(SwanctlConfig.Connection c) {
        for (IkeSa s : sas.values()) {
            if (s.conn == c && s.state != IkeSa.State.DEAD && s.state != IkeSa.State.DELETING) return;   // one at a time
        }
        IkeSa sa = new IkeSa(c, true, randomSpi(), new InetSocketAddress(c.remote(), IKE_PORT));
        sas.put(sa.spiI, sa);
        DhGroup group = DhGroup.byId(c.proposals().getFirst().stream().filter(t -> t.type() == Proposal.DH).findFirst().orElseThrow().id());
        sendInit(sa, group);
    }

    private void sendInit(IkeSa sa, DhGroup group) {
        sa.state = IkeSa.State.INIT_SENT;
        sa.dh = group.start();
        sa.ni = nonce();
        sa.nextRequestId = 0;
        List<Proposal> offer = new ArrayList<>();
        for (List<Proposal.Transform> p : sa.conn.proposals()) offer.add(new Proposal(offer.size() + 1, Proposal.IKE, new byte[0], p));
        List<Payload> payloads = new ArrayList<>();
        if (sa.cookie != null) payloads.add(Notify.payload(Notify.COOKIE, sa.cookie));
        payloads.add(new Payload(IkeMessage.SA, false, Proposal.encodeAll(offer)));
        payloads.add(new Payload(IkeMessage.KE, false, ke(group, sa.dh.publicValue())));
        payloads.add(new Payload(IkeMessage.NONCE, false, sa.ni));
        payloads.addAll(natDetection(sa.spiI, 0, sa.peer));
        payloads.add(Notify.payload(Notify.IKEV2_FRAGMENTATION_SUPPORTED, new byte[0]));
        byte[] msg = IkeMessage.plain(sa.spiI, 0, IkeMessage.IKE_SA_INIT, sa.flags(false), 0, payloads);
        sa.initRequest = msg;
        sa.pendingRequest = List.of(msg);
        sa.pendingRequestId = 0;
        sa.nextRequestId = 1;
        sa.pendingHandler = r -> initResponse(sa, r, group);
        send(sa, msg);
        scheduleRetransmit(sa, sa.pendingRequest, 0);
        log.accept("ike: " + sa.conn.name() + ": initiating IKE_SA to " + sa.peer.getAddress().getHostAddress());
    }

    private void initResponse(IkeSa sa, IkeMessage m, DhGroup sent) {
        for (Payload p : m.payloads) {
            if (p.type() != IkeMessage.NOTIFY) continue;
            Notify n = Notify.parse(p.body());
            if (n.type() == Notify.COOKIE) {
                sa.cookie = n.data();
                sendInit(sa, sent);
                return;
            }
            if (n.type() == Notify.INVALID_KE_PAYLOAD && n.data().length == 2) {
                DhGroup wanted = DhGroup.byId(((n.data()[0] & 0xff) << 8) | (n.data()[1] & 0xff));
                if (wanted != null && wanted != sent && offers(sa.conn.proposals(), wanted)) {
                    sendInit(sa, wanted);
                    return;
                }
            }
            if (n.error()) {
                fail(sa, "IKE_SA_INIT refused: " + notifyName(n.type()));
                return;
            }
        }
        sa.spiR = m.spiR;
        sa.fragmentation = hasNotify(m, Notify.IKEV2_FRAGMENTATION_SUPPORTED);
        Payload saP = m.first(IkeMessage.SA), keP = m.first(IkeMessage.KE), nP = m.first(IkeMessage.NONCE);
        if (saP == null || keP == null || nP == null) {
            fail(sa, "IKE_SA_INIT response without SA, KE or Nonce");
            return;
        }
        List<Proposal> got = Proposal.parseAll(saP.body());
        Proposal chosen = got.size() == 1 ? ProposalSpec.choose(got, sa.conn.proposals(), Proposal.IKE, false) : null;
        if (chosen == null || chosen.get(Proposal.DH).id() != sent.id) {
            fail(sa, "the responder chose a proposal we did not offer");
            return;
        }
        sa.chosen = chosen;
        sa.nr = nP.body();
        byte[] shared = sa.dh.shared(keValue(keP.body(), sent));
        sa.deriveKeys(shared);
        sa.state = IkeSa.State.INIT_DONE;
        sa.natT = true;   // always: see natDetection()
        sa.peer = new InetSocketAddress(sa.peer.getAddress(), NAT_T_PORT);
        sendAuth(sa);
    }

    private void respondInit(IkeMessage m, byte[] raw, InetSocketAddress from, boolean natT) {
        for (IkeSa s : sas.values()) {   // a retransmitted IKE_SA_INIT: the same answer again
            if (!s.initiator && s.spiI == m.spiI && s.peer.getAddress().equals(from.getAddress()) && s.initResponse != null
                    && s.state == IkeSa.State.INIT_DONE) {
                send(s, s.initResponse);
                return;
            }
        }
        SwanctlConfig.Connection c = connectionFor(from.getAddress());
        if (c == null) {
            log.accept("ike: IKE_SA_INIT from " + from.getAddress().getHostAddress() + ": no connection for that address");
            return;
        }
        Payload saP = m.first(IkeMessage.SA), keP = m.first(IkeMessage.KE), nP = m.first(IkeMessage.NONCE);
        if (saP == null || keP == null || nP == null) throw new IllegalArgumentException("IKE_SA_INIT without SA, KE or Nonce");
        long halfOpen = sas.values().stream().filter(x -> !x.initiator && x.state == IkeSa.State.INIT_DONE).count();
        if (halfOpen >= COOKIE_THRESHOLD) {
            byte[] expected = cookie(nP.body(), from, m.spiI);
            Payload first = m.payloads.getFirst();
            Notify given = first.type() == IkeMessage.NOTIFY ? Notify.parse(first.body()) : null;
            if (given == null || given.type() != Notify.COOKIE || !MessageDigest.isEqual(given.data(), expected)) {
                send(new IkeSa(c, false, m.spiI, from), IkeMessage.plain(m.spiI, 0, IkeMessage.IKE_SA_INIT, IkeMessage.FLAG_RESPONSE, 0,
                        List.of(Notify.payload(Notify.COOKIE, expected))), natT);
                return;
            }
        }
        IkeSa sa = new IkeSa(c, false, m.spiI, from);
        sa.fragmentation = hasNotify(m, Notify.IKEV2_FRAGMENTATION_SUPPORTED);
        sa.natT = natT;
        Proposal chosen = ProposalSpec.choose(Proposal.parseAll(saP.body()), c.proposals(), Proposal.IKE, false);
        if (chosen == null) {
            sendPlain(sa, m, List.of(Notify.payload(Notify.NO_PROPOSAL_CHOSEN, new byte[0])));
            log.accept("ike: IKE_SA_INIT from " + from.getAddress().getHostAddress() + ": no proposal chosen");
            return;
        }
        DhGroup group = DhGroup.byId(chosen.get(Proposal.DH).id());
        if (keGroup(keP) != group.id) {
            sendPlain(sa, m, List.of(invalidKe(group)));
            return;
        }
        sa.spiR = randomSpi();
        sa.chosen = new Proposal(chosen.number(), Proposal.IKE, new byte[0], chosen.transforms());
        sa.ni = nP.body();
        if (sa.ni.length < 16 || sa.ni.length > 256) throw new IllegalArgumentException("nonce length " + sa.ni.length);
        sa.nr = nonce();
        sa.dh = group.start();
        byte[] shared = sa.dh.shared(keValue(keP.body(), group));
        List<Payload> payloads = new ArrayList<>();
        payloads.add(new Payload(IkeMessage.SA, false, Proposal.encodeAll(List.of(sa.chosen))));
        payloads.add(new Payload(IkeMessage.KE, false, ke(group, sa.dh.publicValue())));
        payloads.add(new Payload(IkeMessage.NONCE, false, sa.nr));
        payloads.addAll(natDetection(sa.spiI, sa.spiR, from));
        if (sa.fragmentation) payloads.add(Notify.payload(Notify.IKEV2_FRAGMENTATION_SUPPORTED, new byte[0]));
        byte[] resp = IkeMessage.plain(sa.spiI, sa.spiR, IkeMessage.IKE_SA_INIT, sa.flags(true), m.messageId, payloads);
        sa.initRequest = raw;
        sa.initResponse = resp;
        sa.deriveKeys(shared);
        sa.state = IkeSa.State.INIT_DONE;
        sa.expectedRequestId = 1;
        sas.put(sa.spiR, sa);
        send(sa, resp);
        later(() -> {
            if (sa.state == IkeSa.State.INIT_DONE) remove(sa, "half-open for " + HALF_OPEN_SECONDS + " s");
        }, HALF_OPEN_SECONDS, TimeUnit.SECONDS);
    }

    /** A stateless cookie (§2.6): hash of our secret, the initiator's nonce, its address and its SPI. */
    private byte[] cookie(byte[] ni, InetSocketAddress from, long spiI) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(cookieSecret);
            d.update(ni);
            d.update(from.getAddress().getAddress());
            d.update(ByteBuffer.allocate(8).putLong(spiI).array());
            return d.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean hasNotify(IkeMessage m, int type) {
        for (Payload p : m.payloads) if (p.type() == IkeMessage.NOTIFY && Notify.parse(p.body()).type() == type) return true;
        return false;
    }

    private void sendPlain(IkeSa sa, IkeMessage request, List<Payload> payloads) {
        send(sa, IkeMessage.plain(request.spiI, 0, request.exchange, IkeMessage.FLAG_RESPONSE, request.messageId, payloads));
    }

    private static boolean offers(List<List<Proposal.Transform>> proposals, DhGroup g) {
        return proposals.stream().anyMatch(p -> p.contains(new Proposal.Transform(Proposal.DH, g.id, 0)));
    }

    private SwanctlConfig.Connection connectionFor(InetAddress peer) {
        SwanctlConfig.Connection any = null;
        for (SwanctlConfig.Connection c : config.connections()) {
            if (peer.equals(c.remote())) return c;
            if (c.remote() == null && any == null) any = c;
        }
        return any;
    }

    /**
     * NAT_DETECTION_SOURCE_IP and _DESTINATION_IP (§2.23). The source hash is deliberately one of a random address,
     * as strongSwan does with encap = yes: the peer then sees a NAT, both move to port 4500 and ESP is
     * UDP-encapsulated, which is the one kind of SA this device's IKE installs (and what charon's libipsec needs).
     */
    private List<Payload> natDetection(long spiI, long spiR, InetSocketAddress dst) {
        byte[] fake = new byte[20];
        random.nextBytes(fake);
        return List.of(Notify.payload(Notify.NAT_DETECTION_SOURCE_IP, fake),
                Notify.payload(Notify.NAT_DETECTION_DESTINATION_IP, natHash(spiI, spiR, dst)));
    }

    private static byte[] natHash(long spiI, long spiR, InetSocketAddress a) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(ByteBuffer.allocate(16).putLong(spiI).putLong(spiR).array());
            sha1.update(a.getAddress().getAddress());
            sha1.update(new byte[] {(byte) (a.getPort() >> 8), (byte) a.getPort()});
            return sha1.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] ke(DhGroup g, byte[] value) {
        byte[] b = new byte[4 + value.length];
        b[0] = (byte) (g.id >> 8);
        b[1] = (byte) g.id;
        System.arraycopy(value, 0, b, 4, value.length);
        return b;
    }

    /** The DH group a KE payload names, or -1 when there is none. */
    private static int keGroup(Payload ke) {
        return ke == null || ke.body().length < 2 ? -1 : ((ke.body()[0] & 0xff) << 8) | (ke.body()[1] & 0xff);
    }

    /** INVALID_KE_PAYLOAD naming the group we want (§1.2). */
    private static Payload invalidKe(DhGroup g) {
        return Notify.payload(Notify.INVALID_KE_PAYLOAD, new byte[] {(byte) (g.id >> 8), (byte) g.id});
    }

    private static byte[] keValue(byte[] body, DhGroup g) {
        if (body.length < 4) throw new IllegalArgumentException("KE payload too short");
        int id = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        if (id != g.id) throw new IllegalArgumentException("KE of group " + id + ", expected " + g.id);
        return Arrays.copyOfRange(body, 4, body.length);
    }

    // ---------------------------------------------------------------- IKE_AUTH

    private void sendAuth(IkeSa sa) {
        SwanctlConfig.Child child = sa.conn.children().stream().filter(ch -> ch.startAction().contains("start")).findFirst()
                .orElse(sa.conn.children().getFirst());
        sa.pendingChild = child;
        sa.pendingChildSpi = randomEspSpi();
        Identity local = sa.conn.localId();
        byte[] psk = config.psk(local, sa.conn.remoteId());
        if (psk == null) {
            fail(sa, "no secret for " + local + " - " + sa.conn.remoteId());
            return;
        }
        byte[] idBody = local.body();
        List<Payload> payloads = new ArrayList<>();
        payloads.add(new Payload(IkeMessage.IDI, false, idBody));
        boolean alone = sas.values().stream().noneMatch(o -> o != sa && o.state == IkeSa.State.ESTABLISHED && o.peer.getAddress().equals(sa.peer.getAddress()));
        if (alone) payloads.add(Notify.payload(Notify.INITIAL_CONTACT, new byte[0]));
        if (sa.conn.remoteId().type() != Identity.ANY) payloads.add(new Payload(IkeMessage.IDR, false, sa.conn.remoteId().body()));
        payloads.add(new Payload(IkeMessage.AUTH, false, auth(sa.pskAuth(psk, true, idBody))));
        payloads.add(new Payload(IkeMessage.SA, false, Proposal.encodeAll(espOffer(child, sa.pendingChildSpi, false))));
        payloads.add(new Payload(IkeMessage.TSI, false, TrafficSelector.encode(child.localTs())));
        payloads.add(new Payload(IkeMessage.TSR, false, TrafficSelector.encode(child.remoteTs())));
        sa.state = IkeSa.State.AUTH_SENT;
        request(sa, IkeMessage.IKE_AUTH, payloads, r -> authResponse(sa, r, psk));
    }

    private List<Proposal> espOffer(SwanctlConfig.Child child, int spi, boolean withDh) {
        List<Proposal> offer = new ArrayList<>();
        byte[] spiBytes = ByteBuffer.allocate(4).putInt(spi).array();
        for (List<Proposal.Transform> p : child.espProposals()) {
            List<Proposal.Transform> t = withDh ? p : p.stream().filter(x -> x.type() != Proposal.DH).toList();
            offer.add(new Proposal(offer.size() + 1, Proposal.ESP, spiBytes, t));
        }
        return offer;
    }

    private void authResponse(IkeSa sa, IkeMessage r, byte[] psk) {
        for (Payload p : r.payloads) {
            if (p.type() == IkeMessage.NOTIFY && Notify.parse(p.body()).error()) {
                fail(sa, "IKE_AUTH refused: " + notifyName(Notify.parse(p.body()).type()));
                return;
            }
        }
        Payload idr = r.first(IkeMessage.IDR), authP = r.first(IkeMessage.AUTH);
        if (idr == null || authP == null) {
            fail(sa, "IKE_AUTH response without IDr or AUTH");
            return;
        }
        Identity remote = Identity.fromBody(idr.body());
        if (!sa.conn.remoteId().matches(remote)) {
            fail(sa, "the responder is " + remote + ", expected " + sa.conn.remoteId());
            return;
        }
        if (!checkAuth(sa, authP.body(), psk, false, idr.body())) {
            fail(sa, "authentication of " + remote + " failed (wrong PSK?)");
            return;
        }
        established(sa);
        log.accept("ike: " + sa.describe() + ": IKE_SA established (" + ProposalSpec.describe(sa.chosen.transforms()) + ")");
        Payload saP = r.first(IkeMessage.SA), tsi = r.first(IkeMessage.TSI), tsr = r.first(IkeMessage.TSR);
        if (saP == null || tsi == null || tsr == null) {
            log.accept("ike: " + sa.describe() + ": no CHILD_SA in IKE_AUTH");
            return;
        }
        List<Proposal> got = Proposal.parseAll(saP.body());
        Proposal chosen = got.size() == 1 ? ProposalSpec.choose(got, sa.pendingChild.espProposals(), Proposal.ESP, true) : null;
        if (chosen == null || chosen.spi().length != 4) {
            log.accept("ike: " + sa.describe() + ": the responder chose an ESP proposal we did not offer");
            return;
        }
        installChild(sa, sa.pendingChild, sa.pendingChildSpi, ByteBuffer.wrap(chosen.spi()).getInt(), chosen,
                TrafficSelector.parse(tsi.body()), TrafficSelector.parse(tsr.body()), null);
    }

    private void respondAuth(IkeSa sa, IkeMessage m) {
        Payload idi = m.first(IkeMessage.IDI), authP = m.first(IkeMessage.AUTH), saP = m.first(IkeMessage.SA);
        Payload tsi = m.first(IkeMessage.TSI), tsr = m.first(IkeMessage.TSR), idr = m.first(IkeMessage.IDR);
        if (idi == null || authP == null) {
            respond(sa, m, IkeMessage.IKE_AUTH, List.of(Notify.payload(Notify.AUTHENTICATION_FAILED, new byte[0])));
            remove(sa, "IKE_AUTH without IDi or AUTH");
            return;
        }
        Identity remote = Identity.fromBody(idi.body());
        Identity local = sa.conn.localId();
        if (idr != null && !Identity.fromBody(idr.body()).matches(local)) {
            respond(sa, m, IkeMessage.IKE_AUTH, List.of(Notify.payload(Notify.AUTHENTICATION_FAILED, new byte[0])));
            remove(sa, "the initiator wants " + Identity.fromBody(idr.body()) + ", we are " + local);
            return;
        }
        byte[] psk = sa.conn.remoteId().matches(remote) ? config.psk(local, remote) : null;
        if (psk == null || !checkAuth(sa, authP.body(), psk, true, idi.body())) {
            respond(sa, m, IkeMessage.IKE_AUTH, List.of(Notify.payload(Notify.AUTHENTICATION_FAILED, new byte[0])));
            remove(sa, "authentication of " + remote + " failed (" + (psk == null ? "no secret for it" : "wrong PSK?") + ")");
            return;
        }
        byte[] idBody = local.body();
        List<Payload> out = new ArrayList<>();
        out.add(new Payload(IkeMessage.IDR, false, idBody));
        out.add(new Payload(IkeMessage.AUTH, false, auth(sa.pskAuth(psk, false, idBody))));
        established(sa);
        if (m.payloads.stream().anyMatch(p -> p.type() == IkeMessage.NOTIFY && Notify.parse(p.body()).type() == Notify.INITIAL_CONTACT)) {
            // the peer starts afresh (a restart): what we still hold with it is stale (RFC 7296 §2.4)
            for (IkeSa other : new ArrayList<>(sas.values())) {
                if (other != sa && other.conn == sa.conn && other.peer.getAddress().equals(sa.peer.getAddress())) remove(other, "replaced (INITIAL_CONTACT)");
            }
        }
        log.accept("ike: " + sa.describe() + ": IKE_SA established with " + remote + " (" + ProposalSpec.describe(sa.chosen.transforms()) + ")");
        if (saP != null && tsi != null && tsr != null) {
            ChildChoice c = chooseChild(sa, Proposal.parseAll(saP.body()), TrafficSelector.parse(tsi.body()), TrafficSelector.parse(tsr.body()), true);
            if (c.error != 0) {
                out.add(Notify.payload(c.error, new byte[0]));
            } else {
                int spiIn = randomEspSpi();
                Proposal answer = new Proposal(c.proposal.number(), Proposal.ESP, ByteBuffer.allocate(4).putInt(spiIn).array(), c.proposal.transforms());
                out.add(new Payload(IkeMessage.SA, false, Proposal.encodeAll(List.of(answer))));
                out.add(new Payload(IkeMessage.TSI, false, TrafficSelector.encode(c.tsi)));
                out.add(new Payload(IkeMessage.TSR, false, TrafficSelector.encode(c.tsr)));
                respond(sa, m, IkeMessage.IKE_AUTH, out);
                installChild(sa, c.child, spiIn, ByteBuffer.wrap(c.proposal.spi()).getInt(), c.proposal, c.tsi, c.tsr, null);
                return;
            }
        }
        respond(sa, m, IkeMessage.IKE_AUTH, out);
    }

    private boolean checkAuth(IkeSa sa, byte[] body, byte[] psk, boolean ofInitiator, byte[] idBody) {
        if (body.length < 5 || (body[0] & 0xff) != AUTH_SHARED_KEY) return false;
        return MessageDigest.isEqual(Arrays.copyOfRange(body, 4, body.length), sa.pskAuth(psk, ofInitiator, idBody));
    }

    private static byte[] auth(byte[] value) {
        byte[] b = new byte[4 + value.length];
        b[0] = AUTH_SHARED_KEY;
        System.arraycopy(value, 0, b, 4, value.length);
        return b;
    }

    /** The child a request asks for: selectors narrowed to one of our children's (§2.9), and an ESP proposal. */
    private record ChildChoice(SwanctlConfig.Child child, Proposal proposal, List<TrafficSelector> tsi, List<TrafficSelector> tsr, int error) {}

    private ChildChoice chooseChild(IkeSa sa, List<Proposal> offered, List<TrafficSelector> tsi, List<TrafficSelector> tsr, boolean ignoreDh) {
        boolean tsMatched = false;
        for (SwanctlConfig.Child ch : sa.conn.children()) {
            // the initiator's TSi is its side: our remote_ts; its TSr ours: our local_ts
            List<TrafficSelector> ni = narrow(tsi, ch.remoteTs()), nr = narrow(tsr, ch.localTs());
            if (ni.isEmpty() || nr.isEmpty()) continue;
            tsMatched = true;
            Proposal p = ProposalSpec.choose(offered, ch.espProposals(), Proposal.ESP, ignoreDh);
            if (p != null && p.spi().length == 4) return new ChildChoice(ch, p, ni, nr, 0);
        }
        return new ChildChoice(null, null, null, null, tsMatched ? Notify.NO_PROPOSAL_CHOSEN : Notify.TS_UNACCEPTABLE);
    }

    private static List<TrafficSelector> narrow(List<TrafficSelector> offered, List<TrafficSelector> ours) {
        List<TrafficSelector> out = new ArrayList<>();
        for (TrafficSelector o : offered) {
            for (TrafficSelector m : ours) {
                TrafficSelector x = o.intersect(m);
                if (x != null && !out.contains(x)) out.add(x);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- CHILD SAs in the device

    private void installChild(IkeSa sa, SwanctlConfig.Child child, int spiIn, int spiOut, Proposal p, List<TrafficSelector> tsi,
                              List<TrafficSelector> tsr, byte[] dhSecret) {
        installChild(sa, child, spiIn, spiOut, p, tsi, tsr, dhSecret, sa.ni, sa.nr, 0, sa.initiator);
    }

    /**
     * Keys (§2.17: KEYMAT = prf+(SK_d, [g^ir] | Ni | Nr), initiator-to-responder first), the two SAs, and — unless it
     * replaces a CHILD SA whose reqid it takes over ({@code reqid} > 0), so the policies stay — policies and routes.
     * Returns the CHILD SA, or null if the device refused it.
     */
    private ChildSa installChild(IkeSa sa, SwanctlConfig.Child child, int spiIn, int spiOut, Proposal p, List<TrafficSelector> tsi,
                              List<TrafficSelector> tsr, byte[] dhSecret, byte[] ni, byte[] nr, int reuseReqid, boolean weInitiated) {
        Proposal.Transform encr = p.get(Proposal.ENCR);
        boolean chacha = encr.id() == dev.dataplane.crypto.ike.IkeProtection.ENCR_CHACHA20_POLY1305;
        int keyLen = (chacha ? 32 : encr.keyBits() / 8) + 4;
        byte[] seed = dhSecret == null ? IkeSa.concat(ni, nr) : IkeSa.concat(dhSecret, ni, nr);
        byte[] keymat = Prf.prfPlus(sa.skD, seed, 2 * keyLen);
        byte[] toResponder = Arrays.copyOf(keymat, keyLen), toInitiator = Arrays.copyOfRange(keymat, keyLen, 2 * keyLen);
        // "initiator" and "responder" are those of this exchange (IKE_AUTH or CREATE_CHILD_SA), as are TSi and TSr
        byte[] outKey = weInitiated ? toResponder : toInitiator, inKey = weInitiated ? toInitiator : toResponder;
        String aead = chacha ? "rfc7539esp(chacha20,poly1305)" : "rfc4106(gcm(aes))";
        InetAddress us = localAddress(sa), them = sa.peer.getAddress();
        int reqid = reuseReqid > 0 ? reuseReqid : nextReqid++;
        List<TrafficSelector> localTs = weInitiated ? tsi : tsr, remoteTs = weInitiated ? tsr : tsi;
        try {
            device.addNegotiatedSa(us, them, spiOut, reqid, aead, outKey, 128, NAT_T_PORT, sa.peer.getPort());
            device.addNegotiatedSa(them, us, spiIn, reqid, aead, inKey, 128, sa.peer.getPort(), NAT_T_PORT);
        } catch (RuntimeException e) {
            log.accept("ike: " + sa.describe() + ": installing the CHILD_SA failed: " + e.getMessage());
            return null;
        } finally {
            for (byte[] k : List.of(keymat, toResponder, toInitiator)) Arrays.fill(k, (byte) 0);
            if (dhSecret != null) Arrays.fill(dhSecret, (byte) 0);
        }
        if (child.installPolicy() && reuseReqid == 0) {
            for (TrafficSelector l : localTs) {
                for (TrafficSelector r : remoteTs) {
                    if (l.ipv6() != r.ipv6()) continue;
                    device.policy("policy add src " + l + " dst " + r + " dir out tmpl src " + us.getHostAddress() + " dst "
                            + them.getHostAddress() + " proto esp reqid " + reqid + " mode tunnel");
                    device.policy("policy add src " + r + " dst " + l + " dir in tmpl src " + them.getHostAddress() + " dst "
                            + us.getHostAddress() + " proto esp reqid " + reqid + " mode tunnel");
                }
            }
            for (TrafficSelector r : remoteTs) routes.add(r);
        }
        ChildSa c = new ChildSa(child, spiIn, spiOut, reqid, ProposalSpec.describe(p.transforms()), List.copyOf(localTs), List.copyOf(remoteTs),
                System.nanoTime());
        sa.children.add(c);
        scheduleChildRekey(sa, c);
        log.accept("ike: " + sa.describe() + ": CHILD_SA " + child.name() + (reuseReqid > 0 ? " rekeyed" : " established")
                + ", SPIs " + String.format("%08x_i %08x_o", spiIn, spiOut)
                + ", " + c.algorithm() + ", " + localTs + " === " + remoteTs);
        return c;
    }

    private void removeChild(IkeSa sa, ChildSa c) {
        InetAddress us = localAddress(sa), them = sa.peer.getAddress();
        device.deleteSa(us, them, c.spiOut());
        device.deleteSa(them, us, c.spiIn());
        if (c.config().installPolicy() && sa.children.stream().noneMatch(o -> o != c && o.reqid() == c.reqid())) {
            for (TrafficSelector l : c.localTs()) {
                for (TrafficSelector r : c.remoteTs()) {
                    if (l.ipv6() != r.ipv6()) continue;
                    device.policy("policy del src " + l + " dst " + r + " dir out");
                    device.policy("policy del src " + r + " dst " + l + " dir in");
                }
            }
            for (TrafficSelector r : c.remoteTs()) routes.remove(r);
        }
        sa.children.remove(c);
        sa.closingChildren.remove(c.spiIn());
        log.accept("ike: " + sa.describe() + ": CHILD_SA " + c.config().name() + " " + String.format("%08x_i", c.spiIn()) + " deleted");
    }

    /** Our address toward the peer: the connection's local_addrs. */
    private static InetAddress localAddress(IkeSa sa) {
        return sa.conn.local();
    }


    // ---------------------------------------------------------------- CREATE_CHILD_SA (§1.3): new and rekeyed SAs

    private void established(IkeSa sa) {
        sa.state = IkeSa.State.ESTABLISHED;
        sa.establishedAt = System.nanoTime();
        long rekey = jitter(sa.conn.rekeySeconds());
        if (rekey > 0) later(() -> {
            if (sa.state == IkeSa.State.ESTABLISHED) rekeyIke(sa);
        }, rekey, TimeUnit.MILLISECONDS);
        if (sa.conn.dpdSeconds() > 0) scheduleDpd(sa);
    }

    /** A liveness check (§2.4): an empty INFORMATIONAL every dpd_delay while nothing else is waiting for an answer. */
    private void scheduleDpd(IkeSa sa) {
        later(() -> {
            if (sa.state != IkeSa.State.ESTABLISHED) return;
            if (sa.pendingRequest == null) request(sa, IkeMessage.INFORMATIONAL, List.of(), r -> { });
            scheduleDpd(sa);
        }, sa.conn.dpdSeconds(), TimeUnit.SECONDS);
    }

    private void scheduleChildRekey(IkeSa sa, ChildSa c) {
        long after = jitter(c.config().rekeySeconds());
        if (after <= 0) return;
        later(() -> rekeyChildOf(c), after, TimeUnit.MILLISECONDS);
    }

    /** Rekeys c on the IKE SA that holds it now: an IKE rekey since the timer was set moved it to the new one. */
    private void rekeyChildOf(ChildSa c) {
        IkeSa owner = ownerOf(c);
        if (owner != null && owner.state == IkeSa.State.ESTABLISHED) rekeyChild(owner, c);
    }

    private IkeSa ownerOf(ChildSa c) {
        for (IkeSa sa : sas.values()) if (sa.children.contains(c)) return sa;
        return null;
    }

    /** Runs a step that sends a request now if no request of ours is in flight on sa, else once it is (a window of one, §2.3). */
    private void whenIdle(IkeSa sa, Runnable step) {
        if (sa.state == IkeSa.State.DEAD) return;
        if (sa.pendingRequest == null) step.run();
        else later(() -> whenIdle(sa, step), 1, TimeUnit.SECONDS);
    }

    /**
     * After a rekey collision the peer deletes c (its redundant SA, or the old one it won the right to delete); if
     * its DELETE never comes, we delete c ourselves.
     */
    private void expectPeerDeletes(ChildSa c) {
        later(() -> {
            IkeSa owner = ownerOf(c);
            if (owner != null && !owner.closingChildren.contains(c.spiIn())) whenIdle(owner, () -> {
                if (owner.children.contains(c)) deleteChild(owner, c);
            });
        }, REKEYED_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    /** Milliseconds until a rekey: the configured time minus up to a tenth, so that two peers seldom rekey at once. */
    private long jitter(long seconds) {
        if (seconds <= 0) return 0;
        long ms = seconds * 1000;
        return ms - (long) (random.nextDouble() * ms / 10);
    }

    private void respondCreateChild(IkeSa sa, IkeMessage m) {
        Payload saP = m.first(IkeMessage.SA), nP = m.first(IkeMessage.NONCE), keP = m.first(IkeMessage.KE);
        if (sa.state != IkeSa.State.ESTABLISHED) {   // being replaced or deleted: the peer may try again on the new one
            respond(sa, m, IkeMessage.CREATE_CHILD_SA, List.of(Notify.payload(Notify.TEMPORARY_FAILURE, new byte[0])));
            return;
        }
        if (saP == null || nP == null) {
            respond(sa, m, IkeMessage.CREATE_CHILD_SA, List.of(Notify.payload(Notify.INVALID_SYNTAX, new byte[0])));
            return;
        }
        List<Proposal> offered = Proposal.parseAll(saP.body());
        if (offered.getFirst().protocol() == Proposal.IKE) {
            respondIkeRekey(sa, m, offered, nP.body(), keP);
            return;
        }
        ChildSa old = null;
        for (Payload p : m.payloads) {
            if (p.type() != IkeMessage.NOTIFY) continue;
            Notify n = Notify.parse(p.body());
            if (n.type() != Notify.REKEY_SA) continue;
            int spi = n.spi().length == 4 ? ByteBuffer.wrap(n.spi()).getInt() : 0;
            old = sa.children.stream().filter(c -> c.spiOut() == spi).findFirst().orElse(null);
            if (old != null && sa.closingChildren.contains(old.spiIn())) {   // we are deleting it (§2.25.1)
                respond(sa, m, IkeMessage.CREATE_CHILD_SA, List.of(Notify.payload(Notify.TEMPORARY_FAILURE, new byte[0])));
                return;
            }
            if (old == null) {
                respond(sa, m, IkeMessage.CREATE_CHILD_SA, List.of(new Payload(IkeMessage.NOTIFY, false,
                        new Notify(Proposal.ESP, n.spi(), Notify.CHILD_SA_NOT_FOUND, new byte[0]).encode())));
                return;
            }
        }
        Payload tsi = m.first(IkeMessage.TSI), tsr = m.first(IkeMessage.TSR);
        if (tsi == null || tsr == null) {
            respond(sa, m, IkeMessage.CREATE_CHILD_SA, List.of(Notify.payload(Notify.INVALID_SYNTAX, new byte[0])));
            return;
        }
        ChildChoice c = chooseChild(sa, offered, TrafficSelector.parse(tsi.body()), TrafficSelector.parse(tsr.body()), false);
        if (c.error != 0) {
            respond(sa, m, IkeMessage.CREATE_CHILD_SA, List.of(Notify.payload(c.error, new byte[0])));
            return;
        }
        byte[] nr = nonce();
        List<Payload> out = new ArrayList<>();
        byte[] shared = null;
        Proposal.Transform dhT = c.proposal.get(Proposal.DH);
        DhGroup group = dhT == null ? null : DhGroup.byId(dhT.id());
        if (group != null) {
            if (keGroup(keP) != group.id) {
                respond(sa, m, IkeMessage.CREATE_CHILD_SA, List.of(invalidKe(group)));
                return;
            }
            DhGroup.Exchange dh = group.start();
            shared = dh.shared(keValue(keP.body(), group));
            out.add(new Payload(IkeMessage.KE, false, ke(group, dh.publicValue())));
        }
        int spiIn = randomEspSpi();
        Proposal answer = new Proposal(c.proposal.number(), Proposal.ESP, ByteBuffer.allocate(4).putInt(spiIn).array(), c.proposal.transforms());
        out.addFirst(new Payload(IkeMessage.NONCE, false, nr));
        out.addFirst(new Payload(IkeMessage.SA, false, Proposal.encodeAll(List.of(answer))));
        out.add(new Payload(IkeMessage.TSI, false, TrafficSelector.encode(c.tsi)));
        out.add(new Payload(IkeMessage.TSR, false, TrafficSelector.encode(c.tsr)));
        respond(sa, m, IkeMessage.CREATE_CHILD_SA, out);
        ChildSa made = installChild(sa, c.child, spiIn, ByteBuffer.wrap(c.proposal.spi()).getInt(), c.proposal, c.tsi, c.tsr, shared,
                nP.body(), nr, old == null ? 0 : old.reqid(), false);
        RekeyCollision ours = old == null ? null : sa.childRekeys.get(old.spiIn());
        if (ours != null && made != null) {   // the peer rekeyed the CHILD SA we are rekeying (§2.8.1)
            ours.peersChild = made;
            ours.crossedBy(nP.body(), nr);
        }
    }

    private void respondIkeRekey(IkeSa sa, IkeMessage m, List<Proposal> offered, byte[] ni, Payload keP) {
        Proposal chosen = ProposalSpec.choose(offered, sa.conn.proposals(), Proposal.IKE, false);
        if (chosen == null || chosen.spi().length != 8) {
            respond(sa, m, IkeMessage.CREATE_CHILD_SA, List.of(Notify.payload(Notify.NO_PROPOSAL_CHOSEN, new byte[0])));
            return;
        }
        DhGroup group = DhGroup.byId(chosen.get(Proposal.DH).id());
        if (keGroup(keP) != group.id) {
            respond(sa, m, IkeMessage.CREATE_CHILD_SA, List.of(invalidKe(group)));
            return;
        }
        IkeSa n = new IkeSa(sa.conn, false, ByteBuffer.wrap(chosen.spi()).getLong(), sa.peer);
        n.spiR = randomSpi();
        n.natT = sa.natT;
        n.fragmentation = sa.fragmentation;
        n.chosen = new Proposal(chosen.number(), Proposal.IKE, ByteBuffer.allocate(8).putLong(n.spiR).array(), chosen.transforms());
        n.ni = ni;
        n.nr = nonce();
        DhGroup.Exchange dh = group.start();
        byte[] shared = dh.shared(keValue(keP.body(), group));
        respond(sa, m, IkeMessage.CREATE_CHILD_SA, List.of(new Payload(IkeMessage.SA, false, Proposal.encodeAll(List.of(n.chosen))),
                new Payload(IkeMessage.NONCE, false, n.nr), new Payload(IkeMessage.KE, false, ke(group, dh.publicValue()))));
        n.deriveRekeyed(sa.skD, shared);
        adopt(sa, n);
        if (sa.ikeRekey != null) {
            // The peer rekeyed the IKE SA we are rekeying (§2.8.2): the CHILD SAs stay on the old one until our exchange
            // ends and says which new IKE SA survives.
            sa.ikeRekey.peersIke = n;
            sa.ikeRekey.crossedBy(ni, n.nr);
            sa.state = IkeSa.State.REKEYED;
            return;
        }
        moveChildren(sa, n);
        retire(sa);
    }

    /** sa was replaced by a rekey the peer started: the peer deletes it (§2.18); if its DELETE never comes, we do. */
    private void retire(IkeSa sa) {
        if (sa.state == IkeSa.State.DEAD) return;   // the peer's DELETE came first
        sa.state = IkeSa.State.REKEYED;
        later(() -> whenIdle(sa, () -> {
            if (sa.state == IkeSa.State.REKEYED) deleteIke(sa, "rekeyed");
        }), REKEYED_GRACE_SECONDS, TimeUnit.SECONDS);
    }

    /** The new IKE SA of a rekey of old starts answering and keeping time. */
    private void adopt(IkeSa old, IkeSa n) {
        sas.put(n.localSpi(), n);
        established(n);
        log.accept("ike: " + old.describe() + ": IKE_SA rekeyed, now " + n.describe());
    }

    private static void moveChildren(IkeSa from, IkeSa to) {
        to.children.addAll(from.children);
        from.children.clear();
    }

    private void rekeyChild(IkeSa sa, ChildSa old) {
        if (sa.childRekeys.containsKey(old.spiIn()) || sa.closingChildren.contains(old.spiIn())) return;
        if (sa.pendingRequest != null) {   // one exchange at a time: try again shortly
            later(() -> rekeyChildOf(old), 1, TimeUnit.SECONDS);
            return;
        }
        RekeyCollision collision = new RekeyCollision();
        sa.childRekeys.put(old.spiIn(), collision);
        int spiIn = randomEspSpi();
        byte[] ni = nonce();
        List<Proposal> offer = espOffer(old.config(), spiIn, true);
        Proposal.Transform dhT = offer.getFirst().get(Proposal.DH);
        DhGroup group = dhT == null ? null : DhGroup.byId(dhT.id());
        DhGroup.Exchange dh = group == null ? null : group.start();
        List<Payload> payloads = new ArrayList<>();
        payloads.add(new Payload(IkeMessage.NOTIFY, false, new Notify(Proposal.ESP, ByteBuffer.allocate(4).putInt(old.spiIn()).array(),
                Notify.REKEY_SA, new byte[0]).encode()));
        payloads.add(new Payload(IkeMessage.SA, false, Proposal.encodeAll(offer)));
        payloads.add(new Payload(IkeMessage.NONCE, false, ni));
        if (dh != null) payloads.add(new Payload(IkeMessage.KE, false, ke(group, dh.publicValue())));
        payloads.add(new Payload(IkeMessage.TSI, false, TrafficSelector.encode(old.localTs())));   // TSi: the exchange initiator's side
        payloads.add(new Payload(IkeMessage.TSR, false, TrafficSelector.encode(old.remoteTs())));
        request(sa, IkeMessage.CREATE_CHILD_SA, payloads, r -> {
            sa.childRekeys.remove(old.spiIn());
            String refused = refusal(r);
            Payload saP = r.first(IkeMessage.SA), nP = r.first(IkeMessage.NONCE), keP = r.first(IkeMessage.KE);
            Payload tsi = r.first(IkeMessage.TSI), tsr = r.first(IkeMessage.TSR);
            if (refused != null || saP == null || nP == null || tsi == null || tsr == null) {
                log.accept("ike: " + sa.describe() + ": rekeying CHILD_SA " + old.config().name() + " failed: " + (refused != null ? refused : "bad response"));
                return;
            }
            List<Proposal> got = Proposal.parseAll(saP.body());
            Proposal chosen = got.size() == 1 ? ProposalSpec.choose(got, old.config().espProposals(), Proposal.ESP, false) : null;
            if (chosen == null || chosen.spi().length != 4) {
                log.accept("ike: " + sa.describe() + ": rekeying: the peer chose an ESP proposal we did not offer");
                return;
            }
            byte[] shared = null;
            if (dh != null) {
                if (keP == null) {
                    log.accept("ike: " + sa.describe() + ": rekeying: no KE in the response");
                    return;
                }
                shared = dh.shared(keValue(keP.body(), group));
            }
            ChildSa mine = installChild(sa, old.config(), spiIn, ByteBuffer.wrap(chosen.spi()).getInt(), chosen,
                    TrafficSelector.parse(tsi.body()), TrafficSelector.parse(tsr.body()), shared, ni, nP.body(), old.reqid(), true);
            if (mine != null && collision.happened()) {
                boolean oursGoes = collision.oursIsRedundant(ni, nP.body());
                log.accept("ike: " + sa.describe() + ": CHILD_SA " + old.config().name() + " rekey collision: "
                        + (oursGoes ? "ours is redundant, deleting it" : "the peer's is redundant, the peer deletes it"));
                if (oursGoes) {
                    deleteChild(sa, mine);
                    expectPeerDeletes(old);   // the surviving exchange's initiator deletes the old SA
                    return;
                }
                expectPeerDeletes(collision.peersChild);
            }
            if (sa.children.contains(old)) deleteChild(sa, old);
        });
    }

    /** Tells the peer a CHILD SA goes (our inbound SPI), then removes it. */
    private void deleteChild(IkeSa sa, ChildSa c) {
        sa.closingChildren.add(c.spiIn());
        byte[] d = ByteBuffer.allocate(8).put((byte) Proposal.ESP).put((byte) 4).putShort((short) 1).putInt(c.spiIn()).array();
        request(sa, IkeMessage.INFORMATIONAL, List.of(new Payload(IkeMessage.DELETE, false, d)), r -> {
            if (sa.children.contains(c)) removeChild(sa, c);
        });
    }

    /** Starts an IKE SA rekey (§2.18) once no request of ours is in flight, unless one is already under way. */
    private void rekeyIke(IkeSa sa) {
        whenIdle(sa, () -> {
            if (sa.state == IkeSa.State.ESTABLISHED && sa.ikeRekey == null) startIkeRekey(sa);
        });
    }

    private void startIkeRekey(IkeSa sa) {
        long spi = randomSpi();
        byte[] ni = nonce();
        DhGroup group = DhGroup.byId(sa.chosen.get(Proposal.DH).id());
        DhGroup.Exchange dh = group.start();
        List<Proposal> offer = List.of(new Proposal(1, Proposal.IKE, ByteBuffer.allocate(8).putLong(spi).array(), sa.chosen.transforms()));
        List<Payload> payloads = List.of(new Payload(IkeMessage.SA, false, Proposal.encodeAll(offer)), new Payload(IkeMessage.NONCE, false, ni),
                new Payload(IkeMessage.KE, false, ke(group, dh.publicValue())));
        sas.put(spi, sa);   // reserve the SPI until the exchange ends
        RekeyCollision collision = new RekeyCollision();
        sa.ikeRekey = collision;
        request(sa, IkeMessage.CREATE_CHILD_SA, payloads, r -> {
            sas.remove(spi);
            sa.ikeRekey = null;
            String refused = refusal(r);
            Payload saP = r.first(IkeMessage.SA), nP = r.first(IkeMessage.NONCE), keP = r.first(IkeMessage.KE);
            if (refused != null || saP == null || nP == null || keP == null) {
                log.accept("ike: " + sa.describe() + ": rekeying the IKE_SA failed: " + (refused != null ? refused : "bad response"));
                return;
            }
            List<Proposal> got = Proposal.parseAll(saP.body());
            if (got.size() != 1 || got.getFirst().spi().length != 8 || ProposalSpec.choose(got, List.of(sa.chosen.transforms()), Proposal.IKE, false) == null) {
                log.accept("ike: " + sa.describe() + ": rekeying: the peer chose an IKE proposal we did not offer");
                return;
            }
            IkeSa n = new IkeSa(sa.conn, true, spi, sa.peer);
            n.spiR = ByteBuffer.wrap(got.getFirst().spi()).getLong();
            n.natT = sa.natT;
            n.fragmentation = sa.fragmentation;
            n.chosen = new Proposal(1, Proposal.IKE, new byte[0], sa.chosen.transforms());
            n.ni = ni;
            n.nr = nP.body();
            n.deriveRekeyed(sa.skD, dh.shared(keValue(keP.body(), group)));
            if (!collision.happened()) {
                adopt(sa, n);
                moveChildren(sa, n);
                deleteIke(sa, "rekeyed");
                return;
            }
            // The peer's rekey crossed ours (respondIkeRekey): the new IKE SA of the exchange with the lowest nonce
            // goes, deleted by its initiator; the other takes the CHILD SAs, and its initiator deletes the old one.
            IkeSa theirs = collision.peersIke;
            if (collision.oursIsRedundant(ni, nP.body())) {
                log.accept("ike: " + sa.describe() + ": IKE_SA rekey collision: ours is redundant, deleting it");
                sas.put(n.localSpi(), n);
                n.state = IkeSa.State.ESTABLISHED;
                deleteIke(n, "redundant after a rekey collision");
                moveChildren(sa, theirs);
                if (sa.deletedByPeer) remove(sa, "deleted by the peer");
                else retire(sa);
                return;
            }
            log.accept("ike: " + sa.describe() + ": IKE_SA rekey collision: the peer's is redundant, the peer deletes it");
            adopt(sa, n);
            moveChildren(sa, n);
            moveChildren(theirs, n);   // none, unless the peer deleted the old SA as if it had won
            retire(theirs);
            deleteIke(sa, "rekeyed");
        });
    }

    /** Tells the peer the IKE SA goes (a Delete of protocol IKE, no SPI, count 0), then removes it with its CHILD SAs. */
    private void deleteIke(IkeSa sa, String why) {
        if (sa.deletedByPeer) {
            remove(sa, "deleted by the peer");
            return;
        }
        sa.state = IkeSa.State.DELETING;
        request(sa, IkeMessage.INFORMATIONAL, List.of(new Payload(IkeMessage.DELETE, false, new byte[] {1, 0, 0, 0})), r -> remove(sa, why));
    }

    /** The error a response carries, by name, or null. */
    private static String refusal(IkeMessage r) {
        for (Payload p : r.payloads) {
            if (p.type() == IkeMessage.NOTIFY) {
                Notify n = Notify.parse(p.body());
                if (n.error()) return notifyName(n.type());
            }
        }
        return null;
    }

    /** `ike rekey NAME`: rekeys the IKE SA of connection NAME, or the CHILD SAs of child NAME, now. */
    public String rekey(String name) {
        return call(() -> {
            int n = 0;
            for (IkeSa sa : new ArrayList<>(sas.values())) {
                if (sa.state != IkeSa.State.ESTABLISHED) continue;
                if (sa.conn.name().equals(name)) {
                    rekeyIke(sa);
                    n++;
                    continue;
                }
                for (ChildSa c : new ArrayList<>(sa.children)) {
                    if (c.config().name().equals(name)) {
                        rekeyChild(sa, c);
                        n++;
                    }
                }
            }
            if (n == 0) throw new IllegalArgumentException("no established IKE or CHILD SA named " + name);
            return "rekeying " + n + " SA(s) of " + name + "\n";
        });
    }

    /** close_action / dpd_action start|restart|trap: set the connection up again after a short pause. */
    private void restartLater(SwanctlConfig.Connection c, String why) {
        if (closed) return;
        log.accept("ike: " + c.name() + ": setting it up again (" + why + ")");
        later(() -> {
            if (!closed) initiate(c);
        }, 2, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- INFORMATIONAL

    private void respondInformational(IkeSa sa, IkeMessage m) {
        List<Payload> out = new ArrayList<>();
        boolean deleteIke = false;
        for (Payload p : m.payloads) {
            if (p.type() != IkeMessage.DELETE) continue;
            byte[] b = p.body();
            if (b.length < 4) continue;
            int protocol = b[0] & 0xff, spiSize = b[1] & 0xff, count = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            if (protocol == Proposal.IKE) {
                deleteIke = true;
            } else if (protocol == Proposal.ESP && spiSize == 4 && b.length >= 4 + 4 * count) {
                ByteBuffer ours = ByteBuffer.allocate(4 + 4 * count);
                int n = 0;
                for (int i = 0; i < count; i++) {
                    int spi = ByteBuffer.wrap(b, 4 + 4 * i, 4).getInt();
                    for (ChildSa c : new ArrayList<>(sa.children)) {
                        if (c.spiOut() == spi) {
                            removeChild(sa, c);
                            ours.putInt(4 + 4 * n++, c.spiIn());
                        }
                    }
                }
                if (n > 0) {
                    byte[] d = Arrays.copyOf(ours.array(), 4 + 4 * n);
                    d[0] = (byte) Proposal.ESP;
                    d[1] = 4;
                    d[2] = (byte) (n >> 8);
                    d[3] = (byte) n;
                    out.add(new Payload(IkeMessage.DELETE, false, d));
                }
            }
        }
        respond(sa, m, IkeMessage.INFORMATIONAL, deleteIke ? List.of() : out);
        if (deleteIke && sa.ikeRekey != null && sa.ikeRekey.happened()) {
            // The peer won a rekey collision and deletes the old IKE SA before our crossing exchange has ended: its new
            // IKE SA takes the CHILD SAs; ours is settled (and the old one removed) when our response comes.
            sa.deletedByPeer = true;
            moveChildren(sa, sa.ikeRekey.peersIke);
            return;
        }
        if (deleteIke) {
            boolean restart = sa.conn.remote() != null && sa.children.stream().anyMatch(c -> c.config().restarts(false));
            remove(sa, "deleted by the peer");
            if (restart) restartLater(sa.conn, "close_action");
        }
    }

    // ---------------------------------------------------------------- lifetime

    private void remove(IkeSa sa, String why) {
        if (sa.state == IkeSa.State.DEAD) return;
        for (ChildSa c : new ArrayList<>(sa.children)) removeChild(sa, c);
        sa.wipe();
        sas.values().remove(sa);
        log.accept("ike: " + sa.describe() + ": IKE_SA deleted (" + why + ")");
    }

    private void fail(IkeSa sa, String why) {
        log.accept("ike: " + sa.describe() + ": " + why);
        remove(sa, why);
        retryLater(sa.conn, sa.initiator);
    }

    /** keyingtries = 0 means forever: an initiator tries again after a pause; otherwise it gives up. */
    private void retryLater(SwanctlConfig.Connection c, boolean wasInitiator) {
        if (!wasInitiator || c.keyingTries() != 0 || closed) return;
        later(() -> {
            if (!closed) initiate(c);
        }, 5, TimeUnit.SECONDS);
    }

    private long randomSpi() {
        long s;
        do s = random.nextLong(); while (s == 0 || sas.containsKey(s));
        return s;
    }

    private int randomEspSpi() {
        int s;
        do s = random.nextInt(); while (Integer.compareUnsigned(s, 256) < 0);
        return s;
    }

    private byte[] nonce() {
        byte[] n = new byte[NONCE_LENGTH];
        random.nextBytes(n);
        return n;
    }

    static String notifyName(int type) {
        return switch (type) {
            case Notify.NO_PROPOSAL_CHOSEN -> "NO_PROPOSAL_CHOSEN";
            case Notify.INVALID_KE_PAYLOAD -> "INVALID_KE_PAYLOAD";
            case Notify.AUTHENTICATION_FAILED -> "AUTHENTICATION_FAILED";
            case Notify.TS_UNACCEPTABLE -> "TS_UNACCEPTABLE";
            case Notify.INVALID_SYNTAX -> "INVALID_SYNTAX";
            case Notify.NO_ADDITIONAL_SAS -> "NO_ADDITIONAL_SAS";
            case Notify.TEMPORARY_FAILURE -> "TEMPORARY_FAILURE";
            default -> "notify " + type;
        };
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.submit(() -> {
                for (IkeSa sa : new ArrayList<>(sas.values())) remove(sa, "shutting down");
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the device goes anyway
        }
        thread.shutdownNow();
        try {
            port500.close();
        } catch (IOException ignored) {
            // closing
        }
        receiver.interrupt();
    }
}
