package dev.dataplane.tun;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * The native arrays recvmmsg/sendmmsg read for one {@link PacketBatch}: an mmsghdr, an iovec, a sockaddr
 * and a control-message area per slot, laid out once (x86-64 / LP64 layouts), plus, when UDP GRO is on, the
 * large receive buffers coalesced datagrams land in and the segments of them not yet handed out.
 */
final class UdpVectors {
    static final int MMSGHDR = 64, IOVEC = 16, SOCKADDR = 32, CONTROL = 32;
    // struct msghdr fields
    static final int MSG_NAME = 0, MSG_NAMELEN = 8, MSG_IOV = 16, MSG_IOVLEN = 24, MSG_CONTROL = 32, MSG_CONTROLLEN = 40,
            MSG_FLAGS = 48, MSG_LEN = 56;
    // struct cmsghdr: cmsg_len (size_t), cmsg_level, cmsg_type, then data at 16
    static final int CMSG_HDR = 16;

    final int capacity;
    final UnsafeBuffer mem;
    private final long base;
    private final int iovecs, sockaddrs, controls;

    /** sendmmsg: per message, its first slot and how many slots (GSO segments) it carries. */
    final int[] firstSlot;
    final int[] slots;

    /** GRO: datagram buffers, and the one being handed out segment by segment. */
    UnsafeBuffer groBuffers;
    int groBufferSize;
    int pendingMessages;    // messages received into groBuffers
    int pendingMessage;     // the one being split
    int pendingOffset;      // next segment's offset within it
    int pendingLength;      // its total length
    long coalesced;         // datagrams that arrived coalesced with others (tests check GRO happened)

    UdpVectors(int capacity) {
        this.capacity = capacity;
        this.iovecs = capacity * MMSGHDR;
        this.sockaddrs = iovecs + capacity * IOVEC;
        this.controls = sockaddrs + capacity * SOCKADDR;
        this.mem = new UnsafeBuffer(BufferUtil.allocateDirectAligned(controls + capacity * CONTROL, 64));
        this.base = mem.addressOffset();
        this.firstSlot = new int[capacity];
        this.slots = new int[capacity];
    }

    int msg(int i) {
        return i * MMSGHDR;
    }

    int iov(int i) {
        return iovecs + i * IOVEC;
    }

    int sockaddr(int i) {
        return sockaddrs + i * SOCKADDR;
    }

    int control(int i) {
        return controls + i * CONTROL;
    }

    long address(int offset) {
        return base + offset;
    }

    void putIovec(int index, long address, long length) {
        mem.putLong(iov(index), address);
        mem.putLong(iov(index) + 8, length);
    }

    /** Points message {@code i} at {@code iovCount} iovecs from {@code firstIov}, its sockaddr and control area. */
    void putMsg(int i, int nameLen, int firstIov, int iovCount, int controlLen) {
        int m = msg(i);
        mem.putLong(m + MSG_NAME, address(sockaddr(i)));
        mem.putInt(m + MSG_NAMELEN, nameLen);
        mem.putLong(m + MSG_IOV, address(iov(firstIov)));
        mem.putLong(m + MSG_IOVLEN, iovCount);
        mem.putLong(m + MSG_CONTROL, controlLen == 0 ? 0L : address(control(i)));
        mem.putLong(m + MSG_CONTROLLEN, controlLen);
        mem.putInt(m + MSG_FLAGS, 0);
        mem.putInt(m + MSG_LEN, 0);
    }

    /** Writes one control message with a 16-bit payload (UDP_SEGMENT) into message {@code i}'s area; returns its space. */
    int putControlShort(int i, int level, int type, int value) {
        int c = control(i);
        mem.putLong(c, CMSG_HDR + 2);
        mem.putInt(c + 8, level);
        mem.putInt(c + 12, type);
        mem.putShort(c + CMSG_HDR, (short) value, ByteOrder.nativeOrder());
        return 24; // CMSG_SPACE(sizeof(uint16_t))
    }

    /** Finds an int control message of {@code level}/{@code type} in message {@code i}; returns -1 if absent. */
    int findControlInt(int i, int level, int type) {
        int m = msg(i);
        long controlLen = mem.getLong(m + MSG_CONTROLLEN);
        int c = control(i), end = c + (int) Math.min(controlLen, CONTROL);
        while (c + CMSG_HDR <= end) {
            long len = mem.getLong(c);
            if (len < CMSG_HDR) break;
            if (mem.getInt(c + 8) == level && mem.getInt(c + 12) == type) {
                // UDP_GRO reports an int; an older kernel variant wrote a u16: read what the length says
                return len >= CMSG_HDR + 4 ? mem.getInt(c + CMSG_HDR) : Short.toUnsignedInt(mem.getShort(c + CMSG_HDR));
            }
            c += (int) ((len + 7) & ~7L);
        }
        return -1;
    }

    int receivedLength(int i) {
        return mem.getInt(msg(i) + MSG_LEN);
    }

    int receivedFlags(int i) {
        return mem.getInt(msg(i) + MSG_FLAGS);
    }

    void ensureGroBuffers(int count, int size) {
        if (groBuffers == null) {
            groBuffers = new UnsafeBuffer(BufferUtil.allocateDirectAligned(count * size, 64));
            groBufferSize = size;
        }
    }
}
