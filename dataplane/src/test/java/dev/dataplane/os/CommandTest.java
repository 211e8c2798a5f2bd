package dev.dataplane.os;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandTest {
    @Test
    void returnsWhileADaemonItLeftStillHoldsItsOutput() throws IOException {
        // the background sleep inherits the command's stdout, as a forking daemon does
        Command.Result r = Command.result(List.of("sh", "-c", "sleep 30 & echo $!"), Map.of());
        long daemon = Long.parseLong(r.output().strip());
        try {
            assertTrue(r.ok());
            assertTrue(ProcessHandle.of(daemon).map(ProcessHandle::isAlive).orElse(false),
                    "the result came back while the daemon still ran");
        } finally {
            ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroy);
        }
    }

    @Test
    void failureCarriesStatusAndOutput() throws IOException {
        Command.Result r = Command.result(List.of("sh", "-c", "echo nope >&2; exit 3"), Map.of());
        assertEquals(3, r.status());
        assertEquals("nope", r.output().strip());
        IOException e = assertThrows(IOException.class, () -> Command.output(List.of("sh", "-c", "echo nope; exit 3")));
        assertTrue(e.getMessage().contains("failed (3): nope"), e.getMessage());
    }

    @Test
    void passesEnvironmentAndNoInput() throws IOException {
        assertEquals("x=1 input=", Command.result(List.of("sh", "-c", "read line; echo x=$X input=$line"), Map.of("X", "1")).output().strip());
    }
}
