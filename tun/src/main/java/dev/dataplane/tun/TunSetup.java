package dev.dataplane.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The ioctls that make and configure a TUN device, as `ip tuntap add` and `ip link set` would issue them.
 * Errors become {@link TunException}s that say what to do.
 */
final class TunSetup {
    static final int MAX_NAME = 15;
    private static final long TUNSETIFF = 0x400454caL, TUNSETOFFLOAD = 0x400454d0L;
    private static final long SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCSIFMTU = 0x8922;
    private static final short IFF_TUN = 0x0001, IFF_TAP = 0x0002, IFF_NO_PI = 0x1000, IFF_VNET_HDR = 0x4000, IFF_TUN_EXCL = (short) 0x8000;
    private static final short IFF_UP = 0x1;
    private static final int O_RDWR = 2, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000;
    private static final int AF_INET = 2, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000;
    private static final int IFREQ_SIZE = 40, IFR_DATA = 16;
    private static final String CLONE_DEVICE = "/dev/net/tun";

    private TunSetup() {}

    /** Checks a name as the kernel's dev_valid_name does, so the operator hears why it was refused. */
    static byte[] validName(String name) throws TunException {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (name.isEmpty() || bytes.length > MAX_NAME) {
            throw new TunException("interface name must be 1 to " + MAX_NAME + " characters, got " + bytes.length
                    + ": \"" + name + "\"");
        }
        if (name.equals(".") || name.equals("..") || !name.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != ':')) {
            throw new TunException("invalid interface name \"" + name + "\": no '/', ':', spaces or non-ASCII");
        }
        return bytes;
    }

    /**
     * Opens /dev/net/tun and attaches a new TUN (or TAP) device {@code name}, refusing an existing one
     * (IFF_TUN_EXCL). Returns the non-blocking fd.
     */
    static int open(String name, boolean vnetHdr, boolean tap) throws TunException {
        byte[] nameBytes = validName(name);
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) Libc.OPEN.invokeExact(Libc.state(), arena.allocateFrom(CLONE_DEVICE),
                    O_RDWR | O_NONBLOCK | O_CLOEXEC, 0);
            if (fd < 0) {
                int e = Libc.errno();
                throw new TunException(switch (e) {
                    case Libc.ENOENT, Libc.ENODEV -> CLONE_DEVICE + " is missing: load the tun module (modprobe tun)"
                            + " or, in a container, pass the device in (--device " + CLONE_DEVICE + ")";
                    case Libc.EACCES, Libc.EPERM -> "cannot open " + CLONE_DEVICE + ": " + Libc.strerror(e)
                            + " (run as root or with CAP_NET_ADMIN)";
                    default -> "cannot open " + CLONE_DEVICE + ": " + Libc.strerror(e);
                });
            }
            MemorySegment ifr = ifreq(arena, nameBytes);
            short flags = (short) ((tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI | IFF_TUN_EXCL | (vnetHdr ? IFF_VNET_HDR : 0));
            ifr.set(JAVA_SHORT, IFR_DATA, flags);
            int e = Libc.ioctl(fd, TUNSETIFF, ifr);
            if (e != 0) {
                Libc.close(fd);
                throw new TunException(switch (e) {
                    case Libc.EPERM, Libc.EACCES -> "creating " + name + " needs CAP_NET_ADMIN (run as root or grant "
                            + "the capability): " + Libc.strerror(e);
                    case Libc.EBUSY, Libc.EEXIST -> "interface name " + name + " is already in use: choose another name"
                            + " or delete the existing link";
                    default -> "TUNSETIFF " + name + " failed: " + Libc.strerror(e);
                });
            }
            return fd;
        } catch (TunException e) {
            throw e;
        } catch (Throwable t) {
            throw new TunException("creating " + name + " failed: " + t);
        }
    }

    /** TUNSETOFFLOAD; returns errno, 0 on success (EINVAL: a bit the kernel does not know). */
    static int setOffload(int fd, int tunFlags) {
        return Libc.ioctl(fd, TUNSETOFFLOAD, tunFlags);
    }

    /** Sets the MTU and IFF_UP through an AF_INET control socket (SIOCSIFMTU, SIOCGIFFLAGS/SIOCSIFFLAGS). */
    static void setMtuAndUp(String name, int mtu) throws TunException {
        byte[] nameBytes = validName(name);
        try (Arena arena = Arena.ofConfined()) {
            int sock = (int) Libc.SOCKET.invokeExact(Libc.state(), AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (sock < 0) throw new TunException("control socket for " + name + ": " + Libc.strerror(Libc.errno()));
            try {
                MemorySegment ifr = ifreq(arena, nameBytes);
                ifr.set(JAVA_INT, IFR_DATA, mtu);
                int e = Libc.ioctl(sock, SIOCSIFMTU, ifr);
                if (e != 0) {
                    throw new TunException("setting MTU " + mtu + " on " + name + ": " + Libc.strerror(e)
                            + (e == Libc.EINVAL ? " (TUN accepts 68 to 65535)" : ""));
                }
                ifr = ifreq(arena, nameBytes);
                e = Libc.ioctl(sock, SIOCGIFFLAGS, ifr);
                if (e != 0) throw new TunException("reading flags of " + name + ": " + Libc.strerror(e));
                ifr.set(JAVA_SHORT, IFR_DATA, (short) (ifr.get(JAVA_SHORT, IFR_DATA) | IFF_UP));
                e = Libc.ioctl(sock, SIOCSIFFLAGS, ifr);
                if (e != 0) throw new TunException("bringing " + name + " up: " + Libc.strerror(e));
            } finally {
                Libc.close(sock);
            }
        } catch (TunException e) {
            throw e;
        } catch (Throwable t) {
            throw new TunException("configuring " + name + " failed: " + t);
        }
    }

    private static MemorySegment ifreq(Arena arena, byte[] name) {
        MemorySegment ifr = arena.allocate(IFREQ_SIZE);
        ifr.fill((byte) 0);
        MemorySegment.copy(name, 0, ifr, JAVA_BYTE, 0, name.length);
        return ifr;
    }
}
