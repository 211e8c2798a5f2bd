package dev.dataplane.cli;

import dev.dataplane.uapi.ControlClient;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;

/**
 * `dataplane ctl NAME WORDS…`: sends one command to a running device's control socket and prints the answer;
 * exits 1 with the device's reason if it refused the command, as `bridge` does with the kernel's.
 */
final class CtlCommand {
    private CtlCommand() {}

    static int run(Options o, PrintStream out, PrintStream err) {
        if (!Files.exists(ControlClient.socket(o.iface()))) {
            err.println("dataplane ctl: no device " + o.iface() + " (no " + ControlClient.socket(o.iface()) + "; is dataplane --iface "
                    + o.iface() + " --mode vxlan|esp running?)");
            return Cli.EXIT_FAILURE;
        }
        String command = String.join(" ", o.rest());
        if (command.indexOf('\n') >= 0) {
            err.println("dataplane ctl: a command is one line");
            return Cli.EXIT_USAGE;
        }
        try {
            ControlClient.Reply reply = ControlClient.send(o.iface(), command);
            reply.lines().forEach(out::println);
            if (reply.ok()) return 0;
            err.println("dataplane ctl: " + reply.error());
            return Cli.EXIT_FAILURE;
        } catch (IOException e) {
            err.println("dataplane ctl: " + ControlClient.socket(o.iface()) + ": " + e.getMessage());
            return Cli.EXIT_FAILURE;
        }
    }
}
