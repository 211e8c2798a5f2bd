package dev.dataplane.uapi;

import java.io.BufferedReader;
import java.io.IOException;

/** Reads one '\n'-terminated line with a length cap, so a client streaming garbage cannot exhaust memory. */
public final class LineReader {
    private LineReader() {}

    /** The line without its '\n', or null at end of stream; throws if a line exceeds {@code max} chars. */
    public static String read(BufferedReader in, int max) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') return sb.toString();
            if (sb.length() >= max) throw new IOException("control line longer than " + max + " characters");
            sb.append((char) c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }
}
