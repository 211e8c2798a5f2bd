package dev.dataplane.esp;

import dev.dataplane.uapi.CommandSession;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.util.function.Consumer;

/**
 * The ESP device's control protocol on /var/run/dataplane/NAME.sock, spoken by `dataplane ctl NAME …`
 * ({@link CommandSession}): `xfrm state|policy add|del|list|flush …` (the words of `ip xfrm`) or `show`. A refused
 * command changes nothing. Keys appear only in `xfrm state list`, as in `ip xfrm state list`; never in the log.
 */
public final class EspControl {
    private final EspDevice device;
    private final Consumer<String> log;

    public EspControl(EspDevice device, Consumer<String> log) {
        this.device = device;
        this.log = log;
    }

    public boolean serve(BufferedReader in, Writer out) throws IOException {
        return new CommandSession(this::execute, log, line -> line.replaceAll("0x[0-9a-fA-F]{16,}", "0x…")).serve(in, out);
    }

    void execute(String line, StringBuilder out) {
        if (line.equals("show")) {
            out.append(device.show());
            return;
        }
        if (!line.startsWith("xfrm ")) throw new IllegalArgumentException("unknown command (xfrm state|policy …, show)");
        device.apply(XfrmLine.parse(line.substring(5)), out);
    }
}
