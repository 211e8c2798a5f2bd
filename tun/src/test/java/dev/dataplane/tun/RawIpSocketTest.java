package dev.dataplane.tun;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Batched sends on a raw IPv4 socket (raw ESP's transport): every datagram of a batch arrives once, with the
 * IPv4 header the kernel wrote (protocol, addresses, length, a valid checksum) ahead of the payload intact, and
 * one larger than the device MTU arrives too, fragmented by the kernel and reassembled.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RawIpSocketTest {
    /** RFC 3692's protocol number for experiments: nothing else in the namespace listens for it. */
    private static final int PROTOCOL = 253;

    @BeforeEach
    void root() {
        Netns.assumeRoot();
    }

    @Test
    void aBatchArrivesWholeAndAnOversizeDatagramFragmented() throws Exception {
        try (Netns ns = Netns.create()) {
            ns.ip("link", "set", "lo", "mtu", "1500");
            try (UdpSocket tx = ns.call(() -> UdpSocket.rawIp(false, null, PROTOCOL));
                 UdpSocket rx = ns.call(() -> UdpSocket.rawIp(false, null, PROTOCOL))) {
                UdpEndpoint to = new UdpEndpoint(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                int[] sizes = {1000, 1, 1480, 3000, 60};   // 1480 fills the MTU exactly; 3000 exceeds it
                PacketBatch out = new PacketBatch(8, 4096);
                for (int i = 0; i < sizes.length; i++) {
                    out.length(i, sizes[i]);
                    for (int b = 0; b < sizes[i]; b++) out.view().putByte(out.offset(i) + b, (byte) (i * 31 + b));
                    out.endpoint(i).copyFrom(to);
                }
                out.count(sizes.length);
                assertEquals(sizes.length, tx.sendBatch(out));

                PacketBatch in = new PacketBatch(8, 4096);
                int got = 0;
                while (got < sizes.length) {
                    int n = rx.receiveBatch(in);
                    for (int j = 0; j < n; j++, got++) check(in, j, got, sizes[got]);
                }
            }
        }
    }

    private static void check(PacketBatch in, int slot, int index, int size) {
        var v = in.view();
        int off = in.offset(slot);
        String what = "datagram " + index + " (" + size + " bytes)";
        assertEquals(20 + size, in.length(slot), what + ": length");
        assertEquals(0x45, v.getByte(off) & 0xff, what + ": version and header length");
        assertEquals(20 + size, v.getShort(off + 2, ByteOrder.BIG_ENDIAN) & 0xffff, what + ": total length");
        assertEquals(0, v.getShort(off + 6, ByteOrder.BIG_ENDIAN) & 0x3fff, what + ": whole (reassembled)");
        assertEquals(PROTOCOL, v.getByte(off + 9) & 0xff, what + ": protocol");
        assertEquals(0x7f000001, v.getInt(off + 12, ByteOrder.BIG_ENDIAN), what + ": source");
        assertEquals(0x7f000001, v.getInt(off + 16, ByteOrder.BIG_ENDIAN), what + ": destination");
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += v.getShort(off + i, ByteOrder.BIG_ENDIAN) & 0xffff;
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
        assertEquals(0xffff, sum, what + ": header checksum");
        for (int b = 0; b < size; b++) {
            assertEquals((byte) (index * 31 + b), v.getByte(off + 20 + b), what + ": payload byte " + b);
        }
    }
}
