package dev.dataplane.demo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the running JVM and our jar are, so the demo and tests can start more of us in a namespace. */
public final class OurProcess {
    private OurProcess() {}

    public static String java() {
        return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    }

    /** The shaded jar: this class's own jar when run from it, else dataplane/target/dataplane.jar. */
    public static Path jar() {
        try {
            Path self = Path.of(OurProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (self.toString().endsWith(".jar")) return self;
            Path target = self.getParent(); // .../dataplane/target/classes -> target
            Path jar = target.resolve("dataplane.jar");
            if (Files.exists(jar)) return jar;
            throw new IllegalStateException("build the jar first: " + jar + " is missing (mvn -DskipTests package)");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
