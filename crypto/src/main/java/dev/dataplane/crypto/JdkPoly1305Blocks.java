package dev.dataplane.crypto;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.spec.AlgorithmParameterSpec;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/**
 * The JDK's Poly1305 block loop, reached directly. On CPUs with AVX-512 IFMA HotSpot replaces the private
 * {@code com.sun.crypto.provider.Poly1305.processMultipleBlocks(byte[], int, int, long[] a, long[] r)} with a
 * 52-bit-limb IFMA loop that runs about twice as fast as {@link Poly1305Lanes} (1408 bytes: ~170 vs ~340 ns on
 * an AMD EPYC with AVX-512). The stub reads and writes the accumulator and reads r as five 26-bit limbs in the
 * two arrays it is given.
 *
 * <p>Where C2 has not (yet) compiled the caller, the method's Java body runs instead, and that body ignores the
 * arrays and works on the instance's own {@code a} and {@code r} elements. Each {@link JdkPoly1305Blocks}
 * therefore owns a JDK instance and passes exactly that instance's limb arrays, so both forms compute the same
 * thing on the same memory. The Java body is much slower than ours, so this class is used only where HotSpot
 * installs the stub: AVX-512 with IFMA, VL and BW, not turned off on the command line ({@link #AVAILABLE}).
 *
 * <p>Needs {@code --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED} and {@code --add-opens
 * java.base/sun.security.util.math.intpoly=ALL-UNNAMED} (the launcher and the jar's manifest pass both).
 * {@code -Ddataplane.crypto.jdkPoly1305=false} turns it off, {@code =true} turns it on without the CPU check
 * (tests of the Java body), {@code -Ddataplane.crypto.pureJava=true} turns it off with the other JDK shortcuts.
 */
final class JdkPoly1305Blocks {
    private static final MethodHandle PROCESS;
    private static final MethodHandle NEW;
    private static final Method INIT;
    private static final Field A, R, LIMBS;
    /** Whether the JDK's Poly1305 is reachable and HotSpot intrinsifies its block loop on this machine. */
    static final boolean AVAILABLE;
    /** Whether it is reachable at all (tests run its Java body where the CPU has no stub). */
    static final boolean REACHABLE;

    static {
        MethodHandle process = null, create = null;
        Method init = null;
        Field a = null, r = null, limbs = null;
        String mode = System.getProperty("dataplane.crypto.jdkPoly1305", "");
        if (!Boolean.getBoolean("dataplane.crypto.pureJava") && !mode.equals("false")) {
            try {
                Class<?> c = Class.forName("com.sun.crypto.provider.Poly1305");
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
                create = lookup.findConstructor(c, MethodType.methodType(void.class))
                        .asType(MethodType.methodType(Object.class));
                process = lookup.findVirtual(c, "processMultipleBlocks", MethodType.methodType(void.class,
                                byte[].class, int.class, int.class, long[].class, long[].class))
                        .asType(MethodType.methodType(void.class, Object.class, byte[].class, int.class, int.class,
                                long[].class, long[].class));
                init = c.getDeclaredMethod("engineInit", Key.class, AlgorithmParameterSpec.class);
                init.setAccessible(true);
                a = c.getDeclaredField("a");
                a.setAccessible(true);
                r = c.getDeclaredField("r");
                r.setAccessible(true);
                limbs = Class.forName("sun.security.util.math.intpoly.IntegerPolynomial$Element").getDeclaredField("limbs");
                limbs.setAccessible(true);
            } catch (Throwable notOpenedOrChanged) {
                process = null;
            }
        }
        PROCESS = process;
        NEW = create;
        INIT = init;
        A = a;
        R = r;
        LIMBS = limbs;
        boolean reachable = process != null && agreesWithDefinition();
        REACHABLE = reachable;
        AVAILABLE = reachable && (mode.equals("true") || stubInstalled());
    }

    private final Object jdk;
    /** The JDK instance's own accumulator and r limbs: the stub and the Java body both use these. */
    private final long[] a, r;

    JdkPoly1305Blocks() {
        if (PROCESS == null) throw new IllegalStateException("the JDK's Poly1305 is not reachable");
        try {
            jdk = NEW.invokeExact();
            byte[] placeholder = new byte[32];
            placeholder[0] = 1;
            placeholder[16] = 1;   // engineInit refuses an all-zero r or s
            INIT.invoke(jdk, new SecretKeySpec(placeholder, "Poly1305"), null);
            a = (long[]) LIMBS.get(A.get(jdk));
            r = (long[]) LIMBS.get(R.get(jdk));
        } catch (Throwable t) {
            throw new IllegalStateException("the JDK's Poly1305 could not be set up", t);
        }
        if (a.length != 5 || r.length != 5) throw new IllegalStateException("the JDK's Poly1305 limbs changed");
    }

    /**
     * Absorbs m[off, off + len), len a multiple of 16, into acc = {h0, h1, h2} (the 64-bit-limb form of
     * {@link Poly1305}, read and written back), with r = r0 + 2^64 r1, every block with its 2^128 bit.
     */
    void blocks(long[] acc, long r0, long r1, byte[] m, int off, int len) {
        long[] a = this.a, r = this.r;
        Poly1305.toLimbs26(r0, r1, 0, r, 0, 1);
        Poly1305.toLimbs26(acc[0], acc[1], acc[2], a, 0, 1);
        java.util.Objects.checkFromIndexSize(off, len, m.length);
        try {
            PROCESS.invokeExact(jdk, m, off, len, a, r);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        Poly1305.fromLimbs26(a[0], a[1], a[2], a[3], a[4], acc);
        java.util.Arrays.fill(a, 0);
        java.util.Arrays.fill(r, 0);
    }

    /** HotSpot's condition for its Poly1305 stub: AVX-512 IFMA, VL and BW, and the JVM allowed to use them. */
    private static boolean stubInstalled() {
        Set<String> flags = cpuFlags();
        if (!flags.containsAll(List.of("avx512ifma", "avx512vl", "avx512bw"))) return false;
        Pattern off = Pattern.compile("-XX:UseAVX=[0-2]|-XX:-UsePoly1305Intrinsics|-XX:-UseIntrinsics|-Xint");
        try {
            for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (off.matcher(arg).find()) return false;
            }
        } catch (Throwable noManagement) {
            return false;
        }
        return true;
    }

    private static Set<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) return Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
            }
        } catch (IOException | RuntimeException unreadable) {
            // not Linux, or no procfs: assume no stub
        }
        return Set.of();
    }

    /** The JDK's block loop (its Java body, at class initialisation) against the definition, on a few lengths. */
    private static boolean agreesWithDefinition() {
        try {
            JdkPoly1305Blocks jdk = new JdkPoly1305Blocks();
            byte[] m = new byte[512];
            for (int i = 0; i < m.length; i++) m[i] = (byte) (i * 151 + 7);
            long r0 = 0x0ffffffc0fffffffL & 0x0123456789abcdefL, r1 = 0x0ffffffc0ffffffcL & 0xfedcba9876543210L;
            BigInteger p = BigInteger.ONE.shiftLeft(130).subtract(BigInteger.valueOf(5));
            BigInteger r = unsigned(r1).shiftLeft(64).add(unsigned(r0));
            for (int len : new int[] {16, 64, 256, 512}) {
                BigInteger h = BigInteger.ZERO;
                for (int off = 0; off < len; off += 16) {
                    byte[] block = new byte[17];
                    block[0] = 1;
                    for (int i = 0; i < 16; i++) block[16 - i] = m[off + i];
                    h = h.add(new BigInteger(1, block)).multiply(r).mod(p);
                }
                long[] acc = {0, 0, 0};
                jdk.blocks(acc, r0, r1, m, 0, len);
                BigInteger got = unsigned(acc[2]).shiftLeft(128).add(unsigned(acc[1]).shiftLeft(64)).add(unsigned(acc[0]));
                if (!got.mod(p).equals(h) || acc[2] > 7) return false;
            }
            return true;
        } catch (RuntimeException | Error e) {
            return false;
        }
    }

    private static BigInteger unsigned(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }
}
