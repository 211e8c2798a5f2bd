package dev.dataplane.crypto;

/**
 * Whether the JVM was started with the incubating Vector API ({@code --add-modules jdk.incubator.vector}, as the
 * launcher does). {@link Poly1305Lanes} is touched only when it is, so without it nothing fails to link and the
 * serial code runs. {@code -Ddataplane.crypto.noVector=true} forces the serial code (for comparisons).
 */
final class VectorSupport {
    static final boolean PRESENT = !Boolean.getBoolean("dataplane.crypto.noVector")
            && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorSupport() {}
}
