package dev.dataplane.flannel;

import dev.dataplane.crypto.X25519;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;

/**
 * The node's WireGuard private key where flannel keeps it: /run/flannel/wgkey (or $WIREGUARD_KEY_FILE), base64
 * as `wg genkey` writes it, mode 0400, made once and reused on every restart so the public key in the node's
 * lease stays valid.
 */
public final class KeyFile {
    public static final Path DEFAULT = Path.of("/run/flannel/wgkey");

    private KeyFile() {}

    public static Path path(Map<String, String> env) {
        String p = env.get("WIREGUARD_KEY_FILE");
        return p == null || p.isBlank() ? DEFAULT : Path.of(p);
    }

    /** Reads the key, creating it first if there is none. Returns the private key (32 bytes). */
    public static byte[] loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) Files.createDirectories(dir);
            byte[] key = X25519.generatePrivateKey();
            try {
                // created owner-only: the key is never readable by others, not even for a moment
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException raced) {
                return read(file);
            }
            Files.write(file, (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII));
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
            return key;
        }
        return read(file);
    }

    static byte[] read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            key = new byte[0];
        }
        if (key.length != 32) throw new IOException(file + ": not a WireGuard private key (base64 of 32 bytes, as wg genkey writes)");
        return key;
    }

    public static String publicKey(byte[] privateKey) {
        return Base64.getEncoder().encodeToString(X25519.publicKey(privateKey));
    }

    /** A peer's public key as it arrives in BackendData: base64 of 32 bytes, or an error saying what came. */
    public static String checkPublicKey(String text) {
        String t = text.strip();
        byte[] k;
        try {
            k = Base64.getDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            k = new byte[0];
        }
        if (k.length != 32) throw new IllegalArgumentException("the remote's BackendData is not a WireGuard public key: '"
                + (t.length() > 60 ? t.substring(0, 60) + "…" : t) + "'");
        return t;
    }
}
