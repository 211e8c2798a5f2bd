package dev.dataplane.demo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the running JVM and our jar are, so the demo and tests can start more of us in a namespace. */
public final class OurProcess {
    /**
     * JVM flags every device process gets, as bin/dataplane gives them: native access for the FFM calls, and the
     * incubating Vector API for the AEAD's Poly1305 (without it that runs serially).
     */
    public static final List<String> JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector");

    private OurProcess() {}

    public static String java() {
        return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    }

    /**
     * The shaded jar: {@code -Ddataplane.jar=PATH} when given (the benchmark runs from another jar), else this
     * class's own jar when run from it, else dataplane.jar beside the build output.
     */
    public static Path jar() {
        String configured = System.getProperty("dataplane.jar", "");
        if (!configured.isBlank()) {
            Path jar = Path.of(configured);
            if (!Files.isRegularFile(jar)) throw new IllegalStateException("-Ddataplane.jar=" + jar + " is not a file");
            return jar;
        }
        try {
            Path self = Path.of(OurProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (self.getFileName().toString().equals("dataplane.jar")) return self;
            Path jar = self.getParent().resolve("dataplane.jar"); // target/classes or target/*.jar -> target
            if (Files.exists(jar)) return jar;
            throw new IllegalStateException("build the jar first: " + jar + " is missing (mvn -DskipTests package)");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
