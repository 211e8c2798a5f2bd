package dev.dataplane.uapi;

import dev.dataplane.net.Printable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.function.Consumer;

/**
 * The line protocol of the non-WireGuard control sockets (`dataplane ctl`): one command per line, each answered by
 * its output, an {@code error=…} line if it was refused, then {@code errno=N} and a blank line. A mode supplies what a
 * command does; a refusal is a {@link Refused} with the errno its Linux tool would report, or an
 * {@link IllegalArgumentException} (EINVAL). A refused command must have changed nothing.
 */
public final class CommandSession {
    static final int MAX_LINE = 4096;
    public static final int EINVAL = 22, EIO = 5;

    /** What a mode does with one command line; prints its output into {@code out}. */
    public interface Commands {
        void execute(String line, StringBuilder out);
    }

    /** A command refused with an errno. */
    public static class Refused extends RuntimeException {
        public final int errno;

        public Refused(int errno, String message) {
            super(message);
            this.errno = errno;
        }
    }

    private final Commands commands;
    private final Consumer<String> log;
    private final java.util.function.UnaryOperator<String> redact;

    /** {@code redact}: how a refused line appears in the log (without its keys, say). */
    public CommandSession(Commands commands, Consumer<String> log, java.util.function.UnaryOperator<String> redact) {
        this.commands = commands;
        this.log = log;
        this.redact = redact;
    }

    /** Serves commands until the client closes. */
    public boolean serve(BufferedReader in, Writer out) throws IOException {
        String line;
        while ((line = LineReader.read(in, MAX_LINE)) != null) {
            if (line.isBlank()) continue;
            StringBuilder reply = new StringBuilder();
            int errno = 0;
            String error = null;
            try {
                commands.execute(line.strip(), reply);
            } catch (Refused e) {
                errno = e.errno;
                error = e.getMessage();
            } catch (IllegalArgumentException e) {
                errno = EINVAL;
                error = e.getMessage();
            } catch (UncheckedIOException e) {
                errno = EIO;
                error = e.getCause().getMessage();
            }
            if (error != null) {
                reply.setLength(0);
                reply.append("error=").append(error).append('\n');
                log.accept("control: refused \"" + Printable.of(redact.apply(line)) + "\": " + error);
            }
            out.write(reply.append("errno=").append(errno).append("\n\n").toString());
            out.flush();
        }
        return true;
    }

}
