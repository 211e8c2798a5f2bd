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
    private final IkeCommands ike;

    /** `ike list|initiate NAME|terminate NAME`, when the device runs IKE (--swanctl). */
    public interface IkeCommands {
        String list();

        String initiate(String name);

        String terminate(String name);

        String rekey(String name);
    }

    public EspControl(EspDevice device, Consumer<String> log) {
        this(device, log, null);
    }

    public EspControl(EspDevice device, Consumer<String> log, IkeCommands ike) {
        this.device = device;
        this.log = log;
        this.ike = ike;
    }

    public boolean serve(BufferedReader in, Writer out) throws IOException {
        return new CommandSession(this::execute, log, line -> line.replaceAll("0x[0-9a-fA-F]{16,}", "0x…")).serve(in, out);
    }

    void execute(String line, StringBuilder out) {
        if (line.equals("show")) {
            out.append(device.show());
            return;
        }
        if (line.equals("ike") || line.startsWith("ike ")) {
            if (ike == null) throw new IllegalArgumentException("this device runs no IKE (start it with --swanctl FILE)");
            String[] w = line.split("\\s+");
            String what = w.length > 1 ? w[1] : "";
            switch (what) {
                case "list" -> out.append(ike.list());
                case "initiate", "terminate", "rekey" -> {
                    if (w.length != 3) throw new IllegalArgumentException("usage: ike " + what + " NAME");
                    out.append(switch (what) {
                        case "initiate" -> ike.initiate(w[2]);
                        case "terminate" -> ike.terminate(w[2]);
                        default -> ike.rekey(w[2]);
                    });
                }
                default -> throw new IllegalArgumentException("usage: ike list | ike initiate|terminate|rekey NAME");
            }
            return;
        }
        if (!line.startsWith("xfrm ")) throw new IllegalArgumentException("unknown command (xfrm state|policy …, ike …, show)");
        device.apply(XfrmLine.parse(line.substring(5)), out);
    }
}
