package dev.dataplane.json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON this project reads and writes (flannel's net-conf files and subnet leases, etcd's gateway, the
 * benchmark's results.json): objects become {@link LinkedHashMap}s, arrays {@link List}s, numbers {@link Long} or
 * {@link Double}; {@link #write} gives compact text, {@link #writeIndented} text for people (non-finite numbers as
 * null, double[] as arrays). Enough for documents of a few kilobytes; anything malformed is an
 * {@link IllegalArgumentException} naming where.
 */
public final class Json {
    private static final int MAX_DEPTH = 64;
    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    public static Object parse(String text) {
        Json p = new Json(text);
        p.skipSpace();
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) throw p.error("text after the value");
        return v;
    }

    /** An object's member as a string ("" when absent or null); a member of another type is an error. */
    public static String string(Map<?, ?> object, String key) {
        Object v = object.get(key);
        if (v == null) return "";
        if (v instanceof String s) return s;
        throw new IllegalArgumentException(key + " must be a string");
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object v, String what) {
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new IllegalArgumentException(what + " must be a JSON object");
    }

    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(v, sb, null);
        return sb.toString();
    }

    /** Two-space indentation, one member per line, a final newline. */
    public static String writeIndented(Object v) {
        StringBuilder sb = new StringBuilder();
        write(v, sb, "");
        return sb.append('\n').toString();
    }

    /** {@code indent} null: compact; otherwise the indentation of the current line. */
    private static void write(Object v, StringBuilder sb, String indent) {
        String inner = indent == null ? null : indent + "  ";
        switch (v) {
            case null -> sb.append("null");
            case String s -> quote(s, sb);
            case Boolean b -> sb.append(b);
            case Double d when !Double.isFinite(d) -> sb.append("null");
            case Float f when !Float.isFinite(f) -> sb.append("null");
            case Number n -> sb.append(n);
            case double[] a -> {
                List<Double> l = new ArrayList<>(a.length);
                for (double d : a) l.add(d);
                write(l, sb, indent == null ? null : "");   // numbers stay on one line
            }
            case Map<?, ?> m -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) sb.append(',');
                    if (inner != null) sb.append('\n').append(inner);
                    first = false;
                    quote(String.valueOf(e.getKey()), sb);
                    sb.append(inner != null ? ": " : ":");
                    write(e.getValue(), sb, inner);
                }
                if (inner != null && !first) sb.append('\n').append(indent);
                sb.append('}');
            }
            case List<?> l -> {
                boolean flat = inner == null || l.stream().allMatch(x -> x instanceof Number || x == null);
                sb.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) sb.append(flat && inner != null ? ", " : ",");
                    if (!flat) sb.append('\n').append(inner);
                    write(l.get(i), sb, inner);
                }
                if (!flat && !l.isEmpty()) sb.append('\n').append(indent);
                sb.append(']');
            }
            default -> quote(v.toString(), sb);
        }
    }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) throw error("nested too deeply");
        if (pos >= text.length()) throw error("a value is missing");
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected '" + c + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') throw error("a member name must be a string");
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            m.put(key, value(depth + 1));
            skipSpace();
            char c = next();
            if (c == '}') return m;
            if (c != ',') throw error("expected ',' or '}'");
        }
    }

    private List<Object> array(int depth) {
        List<Object> l = new ArrayList<>();
        pos++;
        skipSpace();
        if (peek() == ']') {
            pos++;
            return l;
        }
        while (true) {
            skipSpace();
            l.add(value(depth + 1));
            skipSpace();
            char c = next();
            if (c == ']') return l;
            if (c != ',') throw error("expected ',' or ']'");
        }
    }

    private String string() {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') return sb.toString();
            if (c < 0x20) throw error("a control character inside a string");
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) throw error("a short \\u escape");
                    try {
                        sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("a bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("a bad escape \\" + e);
            }
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') pos++;
        boolean fraction = false;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c >= '0' && c <= '9') pos++;
            else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                fraction = true;
                pos++;
            } else break;
        }
        String n = text.substring(start, pos);
        try {
            return fraction ? (Object) Double.parseDouble(n) : (Object) Long.parseLong(n);
        } catch (NumberFormatException e) {
            throw error("a bad number " + n);
        }
    }

    private Object literal(String word, Object v) {
        if (!text.startsWith(word, pos)) throw error("unexpected text");
        pos += word.length();
        return v;
    }

    private void skipSpace() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() {
        if (pos >= text.length()) throw error("the text ends early");
        return text.charAt(pos++);
    }

    private void expect(char c) {
        if (next() != c) throw error("expected '" + c + "'");
    }

    private IllegalArgumentException error(String why) {
        return new IllegalArgumentException("JSON: " + why + " at offset " + pos);
    }
}
