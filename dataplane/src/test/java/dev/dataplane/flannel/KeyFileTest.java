package dev.dataplane.flannel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KeyFileTest {
    @Test
    void madeOnceOwnerReadOnlyAndKept(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("flannel/wgkey");
        byte[] first = KeyFile.loadOrCreate(file);
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(44, Files.readString(file).strip().length());
        assertArrayEquals(first, KeyFile.loadOrCreate(file));
        assertEquals(file, KeyFile.path(Map.of("WIREGUARD_KEY_FILE", file.toString())));
        assertEquals(KeyFile.DEFAULT, KeyFile.path(Map.of()));
    }

    @Test
    void aDamagedKeyFileIsAnErrorNotANewKey(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("wgkey");
        Files.writeString(file, "not a key\n");
        IOException e = assertThrows(IOException.class, () -> KeyFile.loadOrCreate(file));
        assertEquals(true, e.getMessage().contains("not a WireGuard private key"));
        assertEquals("not a key\n", Files.readString(file));
    }

    @Test
    void backendDataMustBeAPublicKey() {
        assertThrows(IllegalArgumentException.class, () -> KeyFile.checkPublicKey("; rm -rf /"));
        assertThrows(IllegalArgumentException.class, () -> KeyFile.checkPublicKey("AAAA"));
        String key = KeyFile.publicKey(new byte[32]);
        assertEquals(key, KeyFile.checkPublicKey(" " + key + "\n"));
    }
}
