package dev.dataplane.uapi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The client side of a device's control socket ({@link CommandSession}): one command line, one answer. */
public final class ControlClient {
    private ControlClient() {}

    /** The device's answer: the lines it printed, then errno (0 = done) and its reason when it refused. */
    public record Reply(List<String> lines, int errno, String error) {
        public boolean ok() {
            return errno == 0;
        }
    }

    public static Path socket(String iface) {
        return UapiServer.socketPath(UapiServer.CONTROL_DIR, iface);
    }

    public static Reply send(String iface, String command) throws IOException {
        Path path = socket(iface);
        if (!Files.exists(path)) throw new IOException("no device " + iface + " (no " + path + ")");
        if (command.indexOf('\n') >= 0) throw new IllegalArgumentException("a command is one line");
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            Writer w = new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8);
            w.write(command + "\n");
            w.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            String line, error = null;
            int errno = -1;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                if (line.startsWith("errno=")) errno = parseErrno(line.substring(6));
                else if (line.startsWith("error=")) error = line.substring(6);
                else lines.add(line);
            }
            if (errno != 0 && error == null) error = "the device closed the connection without an answer";
            return new Reply(List.copyOf(lines), errno, error);
        }
    }

    private static int parseErrno(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
