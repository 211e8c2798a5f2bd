package dev.dataplane.encap.ike;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One proposal of a Security Association payload (RFC 7296 §3.3): its number, protocol (1 IKE, 3 ESP), SPI and
 * transforms. A transform is its type (1 ENCR, 2 PRF, 3 INTEG, 4 DH, 5 ESN), its ID and, for ciphers with a
 * variable key, the key length in bits (0 when absent).
 */
public record Proposal(int number, int protocol, byte[] spi, List<Transform> transforms) {
    public static final int IKE = 1, ESP = 3;
    public static final int ENCR = 1, PRF = 2, INTEG = 3, DH = 4, ESN = 5;
    private static final int KEY_LENGTH_ATTRIBUTE = 0x800e;

    public record Transform(int type, int id, int keyBits) {}

    /** The transform of {@code type}, or null. */
    public Transform get(int type) {
        for (Transform t : transforms) if (t.type() == type) return t;
        return null;
    }

    public static List<Proposal> parseAll(byte[] body) {
        List<Proposal> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(body);
        int at = 0;
        while (true) {
            if (at + 8 > body.length) throw new IllegalArgumentException("proposal header past the end");
            int last = body[at] & 0xff;
            int len = b.getShort(at + 2) & 0xffff;
            if (len < 8 || at + len > body.length) throw new IllegalArgumentException("proposal length out of range");
            int number = body[at + 4] & 0xff, protocol = body[at + 5] & 0xff, spiSize = body[at + 6] & 0xff, count = body[at + 7] & 0xff;
            if (8 + spiSize > len) throw new IllegalArgumentException("proposal SPI past its end");
            byte[] spi = Arrays.copyOfRange(body, at + 8, at + 8 + spiSize);
            List<Transform> ts = new ArrayList<>();
            int t = at + 8 + spiSize, end = at + len;
            for (int i = 0; i < count; i++) {
                if (t + 8 > end) throw new IllegalArgumentException("transform past the proposal's end");
                int tlen = b.getShort(t + 2) & 0xffff;
                if (tlen < 8 || t + tlen > end) throw new IllegalArgumentException("transform length out of range");
                int type = body[t + 4] & 0xff, id = b.getShort(t + 6) & 0xffff, keyBits = 0;
                for (int a = t + 8; a < t + tlen; ) {   // attributes: only the key length is defined for IKEv2
                    if (a + 4 > t + tlen) throw new IllegalArgumentException("attribute past the transform's end");
                    int at16 = b.getShort(a) & 0xffff;
                    if ((at16 & 0x8000) != 0) {
                        if (at16 == KEY_LENGTH_ATTRIBUTE) keyBits = b.getShort(a + 2) & 0xffff;
                        a += 4;
                    } else {
                        a += 4 + (b.getShort(a + 2) & 0xffff);
                    }
                }
                ts.add(new Transform(type, id, keyBits));
                t += tlen;
            }
            if (t != end) throw new IllegalArgumentException("bytes after the last transform");
            out.add(new Proposal(number, protocol, spi, List.copyOf(ts)));
            at = end;
            if (last == 0) break;
            if (last != 2) throw new IllegalArgumentException("bad proposal 'last' field " + last);
        }
        if (at != body.length) throw new IllegalArgumentException("bytes after the last proposal");
        return out;
    }

    public static byte[] encodeAll(List<Proposal> proposals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int p = 0; p < proposals.size(); p++) {
            Proposal pr = proposals.get(p);
            ByteArrayOutputStream ts = new ByteArrayOutputStream();
            for (int i = 0; i < pr.transforms.size(); i++) {
                Transform t = pr.transforms.get(i);
                int len = t.keyBits() > 0 ? 12 : 8;
                ts.writeBytes(ByteBuffer.allocate(8).put((byte) (i + 1 < pr.transforms.size() ? 3 : 0)).put((byte) 0).putShort((short) len)
                        .put((byte) t.type()).put((byte) 0).putShort((short) t.id()).array());
                if (t.keyBits() > 0) ts.writeBytes(ByteBuffer.allocate(4).putShort((short) KEY_LENGTH_ATTRIBUTE).putShort((short) t.keyBits()).array());
            }
            int len = 8 + pr.spi.length + ts.size();
            out.writeBytes(ByteBuffer.allocate(8).put((byte) (p + 1 < proposals.size() ? 2 : 0)).put((byte) 0).putShort((short) len)
                    .put((byte) pr.number).put((byte) pr.protocol).put((byte) pr.spi.length).put((byte) pr.transforms.size()).array());
            out.writeBytes(pr.spi);
            out.writeBytes(ts.toByteArray());
        }
        return out.toByteArray();
    }
}
