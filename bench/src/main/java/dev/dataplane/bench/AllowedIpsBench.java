package dev.dataplane.bench;

import dev.dataplane.routing.AllowedIps;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Longest-prefix lookups in a table of 10,000 routes (a large flannel cluster), IPv4 and IPv6. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AllowedIpsBench {
    private static final int ROUTES = 10_000;
    private final AllowedIps<Integer> table = new AllowedIps<>();
    private final int[] v4 = new int[1024];
    private final long[] v6hi = new long[1024];
    private final long[] v6lo = new long[1024];
    private int i;

    @Setup
    public void setup() {
        Random r = new Random(1);
        for (int n = 0; n < ROUTES; n++) {
            byte[] a4 = new byte[4];
            r.nextBytes(a4);
            table.insert(a4, 8 + r.nextInt(25), n);
            byte[] a6 = new byte[16];
            r.nextBytes(a6);
            table.insert(a6, 16 + r.nextInt(113), n);
        }
        for (int n = 0; n < v4.length; n++) {
            v4[n] = r.nextInt();
            v6hi[n] = r.nextLong();
            v6lo[n] = r.nextLong();
        }
    }

    @Benchmark
    public Integer lookupV4() {
        int k = i++ & 1023;
        return table.lookupV4(v4[k]);
    }

    @Benchmark
    public Integer lookupV6() {
        int k = i++ & 1023;
        return table.lookupV6(v6hi[k], v6lo[k]);
    }
}
