package dev.dataplane.encap.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dataplane.encap.ip.IpPacket;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Seeded random datagrams: the classifiers answer for every one and never throw. */
class ParserFuzzTest {
    private static final int ROUNDS = 200_000;

    @Test
    void checkAndTypeNeverThrowAndAgree() {
        Random random = new Random(0x5EED_F00DL);
        byte[] backing = new byte[256];
        UnsafeBuffer buf = new UnsafeBuffer(backing);
        int[] seen = new int[ParseError.values().length];
        for (int i = 0; i < ROUNDS; i++) {
            random.nextBytes(backing);
            int len = random.nextInt(201);
            int off = random.nextInt(backing.length - len + 1);
            // bias the first bytes towards real types and zero reserved bytes, to reach every branch
            if (random.nextInt(4) != 0 && len >= 4) {
                buf.putByte(off, (byte) random.nextInt(6));
                if (random.nextBoolean()) buf.putShort(off + 1, (short) 0);
                if (random.nextBoolean()) buf.putByte(off + 3, (byte) 0);
            }
            // sometimes hand in a slice that does not fit, as a buggy caller would
            if (random.nextInt(50) == 0) off = random.nextInt(600) - 300;

            ParseError error = WireGuardMessages.check(buf, off, len);
            int type = WireGuardMessages.type(buf, off, len);
            seen[error.ordinal()]++;
            assertEquals(error == ParseError.NONE, type != -1, "check and type agree");
            if (type != -1) assertTrue(type >= 1 && type <= 4);

            IpPacket.version(buf, off, len);
            IpPacket.totalLength(buf, off, len);
        }
        for (ParseError e : ParseError.values()) assertTrue(seen[e.ordinal()] > 0, "fuzz reached " + e);
    }

    @Test
    void everyLengthOfEveryTypeAroundItsSize() {
        UnsafeBuffer buf = new UnsafeBuffer(new byte[200]);
        for (int t = 0; t <= 6; t++) {
            buf.putInt(0, t, java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int len = 0; len <= 200; len++) {
                int type = WireGuardMessages.type(buf, 0, len);
                boolean valid = switch (t) {
                    case 1 -> len == 148;
                    case 2 -> len == 92;
                    case 3 -> len == 64;
                    case 4 -> len >= 32;
                    default -> false;
                };
                assertEquals(valid ? t : -1, type, "type " + t + " len " + len);
            }
        }
    }
}
