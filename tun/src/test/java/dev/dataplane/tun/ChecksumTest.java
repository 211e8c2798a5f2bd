package dev.dataplane.tun;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sum (the vector loop on native memory, the scalar one on the heap) against RFC 1071 done by the book, on random lengths, offsets and memory kinds. */
class ChecksumTest {
    @Test
    void usesTheVectorLoopWhereTheBuildExpectsIt() {
        assertEquals(Boolean.getBoolean("dataplane.tun.expectLanes"), Checksum.LANES);
    }

    @Test
    void sumsLikeRfc1071() {
        Random r = new Random(7);
        UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(70_000)), heap = new UnsafeBuffer(new byte[4096]);
        for (int i = 0; i < 20_000; i++) {
            int len = i < 300 ? i : i % 1000 == 0 ? 65_535 + r.nextInt(2000) : r.nextInt(3000), off = r.nextInt(64), initial = r.nextInt(0x10000);
            UnsafeBuffer b = i % 2 == 0 || len > 4000 ? direct : heap;
            boolean ones = i % 500 == 1;   // every lane of the vector loop at its largest
            for (int k = 0; k < len; k++) b.putByte(off + k, ones ? (byte) 0xff : (byte) r.nextInt());
            assertEquals(byTheBook(b, off, len, initial), Checksum.sum(b, off, len, initial), "len " + len + " at " + off);
        }
    }

    @Test
    void copiesAndSumsLikeACopyThenASum() {
        Random r = new Random(11);
        UnsafeBuffer src = new UnsafeBuffer(ByteBuffer.allocateDirect(70_000)), dst = new UnsafeBuffer(ByteBuffer.allocateDirect(70_000));
        UnsafeBuffer heapDst = new UnsafeBuffer(new byte[4096]);
        for (int i = 0; i < 20_000; i++) {
            int len = i < 300 ? i : i % 1000 == 0 ? 65_535 : r.nextInt(3000), srcOff = r.nextInt(64), dstOff = r.nextInt(64);
            UnsafeBuffer to = i % 3 == 0 && len <= 4000 ? heapDst : dst;
            for (int k = 0; k < len; k++) src.putByte(srcOff + k, (byte) r.nextInt());
            to.putByte(dstOff + len, (byte) 0x5a);   // the byte after the copy stays as it was
            int got = Checksum.copyAndSum(src, srcOff, to, dstOff, len);
            assertEquals(byTheBook(src, srcOff, len, 0), got, "len " + len);
            for (int k = 0; k < len; k++) assertEquals(src.getByte(srcOff + k), to.getByte(dstOff + k), "byte " + k + " of " + len);
            assertEquals((byte) 0x5a, to.getByte(dstOff + len));
        }
    }

    /** Big-endian 16-bit words, a trailing byte padded with zero, carries folded (RFC 1071 section 4.1). */
    private static int byTheBook(UnsafeBuffer b, int off, int len, int initial) {
        long sum = initial;
        for (int i = 0; i + 1 < len; i += 2) sum += ((b.getByte(off + i) & 0xff) << 8) | (b.getByte(off + i + 1) & 0xff);
        if ((len & 1) != 0) sum += (b.getByte(off + len - 1) & 0xff) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }
}
