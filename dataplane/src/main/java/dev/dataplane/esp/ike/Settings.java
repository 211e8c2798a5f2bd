package dev.dataplane.esp.ike;

import dev.dataplane.net.Printable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * strongSwan's settings syntax, as swanctl.conf uses it: `name {` … `}` sections, `key = value` lines (the value
 * is the rest of the line, optionally in double quotes), `#` comments. Every section and value remembers its line,
 * so errors name it. `include` and section references (`name : template`) are refused.
 */
final class Settings {
    /** A value with the line it came from. */
    record Value(String text, int line) {}

    /** A section: its values and subsections in file order, and the line that opened it. */
    static final class Section {
        final String name;
        final int line;
        final Map<String, Value> values = new LinkedHashMap<>();
        final Map<String, Section> sections = new LinkedHashMap<>();

        Section(String name, int line) {
            this.name = name;
            this.line = line;
        }
    }

    static final class SyntaxError extends IllegalArgumentException {
        final int line;

        SyntaxError(int line, String message) {
            super("line " + line + ": " + message);
            this.line = line;
        }
    }

    private Settings() {}

    static Section parse(String text) {
        Section root = new Section("", 0);
        List<Section> stack = new ArrayList<>(List.of(root));
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            int lineNo = n + 1;
            String line = stripComment(lines[n]).strip();
            while (!line.isEmpty()) {
                Section current = stack.getLast();
                if (line.startsWith("}")) {
                    if (stack.size() == 1) throw new SyntaxError(lineNo, "'}' without a section to close");
                    stack.removeLast();
                    line = line.substring(1).strip();
                    continue;
                }
                int eq = line.indexOf('='), brace = line.indexOf('{');
                if (eq > 0 && (brace < 0 || eq < brace)) {
                    String key = line.substring(0, eq).strip();
                    checkName(key, lineNo);
                    String value = line.substring(eq + 1).strip();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) value = value.substring(1, value.length() - 1);
                    if (current.values.containsKey(key) || current.sections.containsKey(key)) {
                        throw new SyntaxError(lineNo, key + " is set twice in " + describe(current));
                    }
                    current.values.put(key, new Value(value, lineNo));
                    line = "";
                } else if (brace > 0) {
                    String name = line.substring(0, brace).strip();
                    if (name.contains(":")) throw new SyntaxError(lineNo, "section references (name : template) are not supported");
                    checkName(name, lineNo);
                    if (current.sections.containsKey(name) || current.values.containsKey(name)) {
                        throw new SyntaxError(lineNo, "section " + name + " appears twice in " + describe(current));
                    }
                    Section s = new Section(name, lineNo);
                    current.sections.put(name, s);
                    stack.add(s);
                    line = line.substring(brace + 1).strip();
                } else if (line.startsWith("include")) {
                    throw new SyntaxError(lineNo, "include is not supported: give one file");
                } else {
                    throw new SyntaxError(lineNo, "expected 'key = value', 'name {' or '}'");
                }
            }
        }
        if (stack.size() > 1) throw new SyntaxError(stack.getLast().line, "section " + stack.getLast().name + " is not closed");
        return root;
    }

    private static String stripComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') quoted = !quoted;
            else if (c == '#' && !quoted) return line.substring(0, i);
        }
        return line;
    }

    private static void checkName(String name, int line) {
        if (name.isEmpty() || !name.matches("[A-Za-z0-9_.\\-]+")) throw new SyntaxError(line, "bad name '" + Printable.of(name) + "'");
    }

    static String describe(Section s) {
        return s.name.isEmpty() ? "the file" : "section " + s.name + " (line " + s.line + ")";
    }

}
