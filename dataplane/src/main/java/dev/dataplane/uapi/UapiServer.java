package dev.dataplane.uapi;

import dev.dataplane.device.DeviceConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Serves UAPI on /var/run/wireguard/NAME.sock (directory 0700, socket 0600), where wg, wg-quick and wgctrl
 * look for userspace WireGuard; other modes serve their own line protocol the same way under
 * /var/run/dataplane ({@link #CONTROL_DIR}). One virtual thread per client, a bounded number of clients.
 */
public final class UapiServer implements AutoCloseable {
    public static final Path DEFAULT_DIR = Path.of("/var/run/wireguard");
    /** Where modes other than WireGuard put their control socket (`dataplane ctl NAME` looks there). */
    public static final Path CONTROL_DIR = Path.of("/var/run/dataplane");

    /** One client's conversation: serves requests until the client closes; false if it sent garbage. */
    public interface Session {
        boolean serve(java.io.BufferedReader in, java.io.Writer out) throws IOException;
    }
    private static final int MAX_CLIENTS = 32;
    /** wg and wgctrl open one connection per operation; one idling longer is cut so it cannot hold a slot. */
    private static final java.time.Duration MAX_CONNECTION_TIME = java.time.Duration.ofSeconds(60);

    private final Path path;
    private final ServerSocketChannel server;
    private final java.util.function.Supplier<Session> sessions;
    private final Consumer<String> log;
    private final Semaphore clients = new Semaphore(MAX_CLIENTS);
    private final Thread acceptor;
    private volatile boolean closed;

    private UapiServer(Path path, ServerSocketChannel server, java.util.function.Supplier<Session> sessions, Consumer<String> log) {
        this.path = path;
        this.server = server;
        this.sessions = sessions;
        this.log = log;
        this.acceptor = Thread.ofPlatform().daemon().name("uapi-" + path.getFileName()).start(this::acceptLoop);
    }

    /** Socket path for interface {@code name}. */
    public static Path socketPath(Path dir, String name) {
        return dir.resolve(name + ".sock");
    }

    /**
     * Starts serving; refuses when a live process already answers on the socket, replaces a stale one.
     */
    public static UapiServer start(Path dir, String name, DeviceConfig device, Consumer<String> log) throws IOException {
        return start(dir, name, () -> new UapiProtocol(device, log)::serve, log);
    }

    /** Serves another line protocol: {@code sessions} makes one {@link Session} per client. */
    public static UapiServer start(Path dir, String name, java.util.function.Supplier<Session> sessions, Consumer<String> log)
            throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path path = socketPath(dir, name);
        if (Files.exists(path)) {
            if (isLive(path)) throw new IOException("UAPI socket " + path + " is in use by a running process");
            Files.delete(path);
        }
        // bind under a temporary name, restrict it, then rename: the socket appears at its real path
        // already 0600, so nobody (wg-quick polling for it, say) ever sees it with the umask's mode
        Path staging = dir.resolve("." + name + ".sock." + ProcessHandle.current().pid());
        Files.deleteIfExists(staging);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(staging));
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-------"));
            Files.move(staging, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            server.close();
            Files.deleteIfExists(staging);
            throw e;
        }
        return new UapiServer(path, server, sessions, log);
    }

    /** A process answers on the socket at {@code path} (a stale file left by a crash does not). */
    public static boolean isLive(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return probe.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel client = server.accept();
                if (!clients.tryAcquire()) {
                    log.accept("control socket: too many clients, refusing one");
                    client.close();
                    continue;
                }
                Thread.ofVirtual().name("uapi-client").start(() -> serve(client));
            } catch (IOException e) {
                if (!closed) log.accept("UAPI accept failed: " + e.getMessage());
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(MAX_CONNECTION_TIME);
                log.accept("UAPI: closing a client connected for over " + MAX_CONNECTION_TIME.toSeconds() + " s");
                client.close();
            } catch (InterruptedException | IOException ignored) {
                // finished in time, or already closed
            }
        });
        try (client) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
            Writer out = new OutputStreamWriter(Channels.newOutputStream(client), StandardCharsets.UTF_8);
            sessions.get().serve(in, out);
        } catch (IOException | RuntimeException e) {
            log.accept("UAPI client: " + e.getMessage());
        } finally {
            watchdog.interrupt();
            clients.release();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.accept("could not remove " + path + ": " + e.getMessage());
        }
    }
}
