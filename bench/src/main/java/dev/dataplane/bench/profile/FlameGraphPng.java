package dev.dataplane.bench.profile;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws a flame graph as a PNG from collapsed stacks ("frame;frame;frame count" per line, as async-profiler's
 * {@code collapsed} output writes them), so that docs/ can show a picture without a browser. Frames narrower
 * than a pixel are dropped; colours say what ran: Java (green), JDK and libraries (yellow), native and
 * JIT-compiled stubs (red), kernel (orange).
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.dataplane.bench.profile.FlameGraphPng IN.collapsed OUT.png [TITLE] [--only SUBSTRING]</pre>
 */
public final class FlameGraphPng {
    private static final int WIDTH = 1600;
    private static final int ROW = 16;
    /** Deeper frames (the JIT compiler's recursion, the kernel's network stack) are cut off to keep it readable. */
    private static final int MAX_DEPTH = 40;

    /** One frame in the merged call tree. */
    private static final class Node {
        final String name;
        long samples;
        final Map<String, Node> children = new LinkedHashMap<>();

        Node(String name) {
            this.name = name;
        }
    }

    private FlameGraphPng() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: FlameGraphPng IN.collapsed OUT.png [TITLE] [--only SUBSTRING]");
            System.exit(2);
        }
        String title = args.length > 2 && !args[2].startsWith("--") ? args[2] : Path.of(args[0]).getFileName().toString();
        String only = null;
        for (int i = 2; i < args.length - 1; i++) if (args[i].equals("--only")) only = args[i + 1];
        Node root = read(Files.readAllLines(Path.of(args[0])), only);
        ImageIO.write(draw(root, title), "png", Path.of(args[1]).toFile());
    }

    /** Merges the stacks into a tree; with {@code only}, keeps just the stacks that contain it. */
    static Node read(List<String> lines, String only) {
        Node root = new Node("all");
        for (String line : lines) {
            int sp = line.lastIndexOf(' ');
            if (sp <= 0) continue;
            String stack = line.substring(0, sp);
            if (only != null && !stack.contains(only)) continue;
            long n;
            try {
                n = Long.parseLong(line.substring(sp + 1).strip());
            } catch (NumberFormatException notACount) {
                continue;
            }
            root.samples += n;
            Node at = root;
            for (String frame : stack.split(";")) {
                at = at.children.computeIfAbsent(frame, Node::new);
                at.samples += n;
            }
        }
        return root;
    }

    private static BufferedImage draw(Node root, String title) {
        int depth = Math.min(MAX_DEPTH, depth(root));
        int height = (depth + 3) * ROW;
        BufferedImage img = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(title + " (" + root.samples + " samples; width = share of CPU samples)", 6, ROW - 3);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        drawNode(g, root, 0, WIDTH, height - 2 * ROW, 2 * ROW, (double) WIDTH / Math.max(1, root.samples));
        g.dispose();
        return img;
    }

    private static void drawNode(Graphics2D g, Node node, double x, double w, int y, int top, double perSample) {
        if (w < 1 || y < top) return;
        g.setColor(colour(node.name));
        g.fillRect((int) x, y, Math.max(1, (int) w - 1), ROW - 1);
        FontMetrics fm = g.getFontMetrics();
        String label = shorten(node.name, fm, (int) w - 4);
        if (!label.isEmpty()) {
            g.setColor(Color.BLACK);
            g.drawString(label, (int) x + 2, y + ROW - 4);
        }
        double cx = x;
        for (Node child : node.children.values()) {
            double cw = child.samples * perSample;
            drawNode(g, child, cx, cw, y - ROW, top, perSample);
            cx += cw;
        }
    }

    private static String shorten(String name, FontMetrics fm, int room) {
        String s = name.replace('/', '.');
        if (fm.stringWidth(s) <= room) return s;
        int dot = s.lastIndexOf('.', s.lastIndexOf('.') - 1); // Class.method
        if (dot > 0) s = s.substring(dot + 1);
        while (!s.isEmpty() && fm.stringWidth(s + "..") > room) s = s.substring(0, s.length() - 1);
        return s.length() < 3 ? "" : s + "..";
    }

    private static Color colour(String frame) {
        int h = Math.abs(frame.hashCode() % 40);
        if (frame.endsWith("_[k]")) return new Color(230, 140 + h, 60);
        if (frame.startsWith("dev/dataplane/")) return new Color(110 + h, 200, 110);
        if (frame.contains("/")) return new Color(220, 200 + h / 2, 90);
        return new Color(220, 90 + h, 80);
    }

    private static int depth(Node n) {
        int d = 0;
        for (Node c : n.children.values()) d = Math.max(d, depth(c));
        return d + 1;
    }
}
