package dev.dataplane.crypto;

import java.util.HexFormat;

/** Test helper: hex strings (whitespace ignored) to bytes and back. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }

    static String of(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
