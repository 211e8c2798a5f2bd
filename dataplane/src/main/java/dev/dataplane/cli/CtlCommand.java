package dev.dataplane.cli;

import dev.dataplane.uapi.UapiServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * `dataplane ctl NAME WORDS…`: sends one command to a running device's control socket and prints the answer;
 * exits 1 with the device's reason if it refused the command, as `bridge` does with the kernel's.
 */
final class CtlCommand {
    private CtlCommand() {}

    static int run(Options o, PrintStream out, PrintStream err) {
        Path path = UapiServer.socketPath(UapiServer.CONTROL_DIR, o.iface());
        if (!Files.exists(path)) {
            err.println("dataplane ctl: no device " + o.iface() + " (no " + path + "; is dataplane --iface " + o.iface()
                    + " --mode vxlan|esp running?)");
            return Cli.EXIT_FAILURE;
        }
        String command = String.join(" ", o.rest());
        if (command.indexOf('\n') >= 0) {
            err.println("dataplane ctl: a command is one line");
            return Cli.EXIT_USAGE;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(path));
            Writer w = new OutputStreamWriter(Channels.newOutputStream(ch), StandardCharsets.UTF_8);
            w.write(command + "\n");
            w.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String line, error = null;
            int errno = -1;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                if (line.startsWith("errno=")) errno = Integer.parseInt(line.substring(6));
                else if (line.startsWith("error=")) error = line.substring(6);
                else out.println(line);
            }
            if (errno == 0) return 0;
            err.println("dataplane ctl: " + (error != null ? error : "the device closed the connection without an answer"));
            return Cli.EXIT_FAILURE;
        } catch (IOException | NumberFormatException e) {
            err.println("dataplane ctl: " + path + ": " + e.getMessage());
            return Cli.EXIT_FAILURE;
        }
    }
}
