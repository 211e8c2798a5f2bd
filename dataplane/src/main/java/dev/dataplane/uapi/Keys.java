package dev.dataplane.uapi;

import java.util.HexFormat;

/** 32-byte keys as UAPI writes them: 64 hex digits. */
final class Keys {
    private Keys() {}

    static byte[] parse(String hex, String what) {
        if (hex.length() != 64) throw new UapiException(UapiException.EINVAL, what + ": a key is 64 hex digits");
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new UapiException(UapiException.EINVAL, what + ": not hex");
        }
    }
}
