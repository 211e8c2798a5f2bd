package dev.dataplane.esp;

import dev.dataplane.uapi.LineReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.function.Consumer;

/**
 * The ESP device's control protocol on /var/run/dataplane/NAME.sock, spoken by `dataplane ctl NAME …`: one command
 * per line — `xfrm state|policy add|del|list|flush …` (the words of `ip xfrm`) or `show` — each answered by its
 * output, an {@code error=…} line if it was refused, then {@code errno=N} and a blank line. A refused command
 * changes nothing. Keys appear only in `xfrm state list`, as in `ip xfrm state list`; never in the log.
 */
public final class EspControl {
    static final int MAX_LINE = 4096;

    private final EspDevice device;
    private final Consumer<String> log;

    public EspControl(EspDevice device, Consumer<String> log) {
        this.device = device;
        this.log = log;
    }

    public boolean serve(BufferedReader in, Writer out) throws IOException {
        String line;
        while ((line = LineReader.read(in, MAX_LINE)) != null) {
            if (line.isBlank()) continue;
            StringBuilder reply = new StringBuilder();
            int errno = 0;
            String error = null;
            try {
                execute(line.strip(), reply);
            } catch (XfrmDatabase.XfrmException e) {
                errno = e.errno;
                error = e.getMessage();
            } catch (IllegalArgumentException e) {
                errno = 22;
                error = e.getMessage();
            } catch (UncheckedIOException e) {
                errno = 5;
                error = e.getCause().getMessage();
            }
            if (error != null) {
                reply.setLength(0);
                reply.append("error=").append(error).append('\n');
                log.accept("control: refused \"" + summary(line) + "\": " + error);
            }
            out.write(reply.append("errno=").append(errno).append("\n\n").toString());
            out.flush();
        }
        return true;
    }

    void execute(String line, StringBuilder out) {
        if (line.equals("show")) {
            out.append(device.show());
            return;
        }
        if (!line.startsWith("xfrm ")) throw new IllegalArgumentException("unknown command (xfrm state|policy …, show)");
        device.apply(XfrmLine.parse(line.substring(5)), out);
    }

    /** The command without its key, for the log. */
    private static String summary(String line) {
        return XfrmLine.printable(line.replaceAll("0x[0-9a-fA-F]{16,}", "0x…"));
    }
}
