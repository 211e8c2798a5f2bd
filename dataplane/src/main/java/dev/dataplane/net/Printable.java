package dev.dataplane.net;

/** Text from a user, a file or a socket, made safe to quote in an error message or a log line. */
public final class Printable {
    private static final int MAX = 80;

    private Printable() {}

    /** At most 80 characters (then "..."), every character outside printable ASCII as '?'. */
    public static String of(String s) {
        if (s == null) return "";
        String cut = s.length() > MAX ? s.substring(0, MAX) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
