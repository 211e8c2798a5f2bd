package dev.dataplane.json;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {
    @Test
    void readsAFlannelLeaseAndWritesItBack() {
        String lease = "{\"PublicIP\":\"198.18.0.1\",\"PublicIPv6\":null,\"BackendType\":\"wireguard\","
                + "\"BackendData\":{\"PublicKey\":\"k\\u002fey=\",\"Port\":51820},\"Ok\":true,\"F\":-1.5e3,\"L\":[1,\"a\\n\"]}";
        Map<String, Object> m = Json.object(Json.parse(lease), "lease");
        assertEquals("198.18.0.1", m.get("PublicIP"));
        assertEquals(null, m.get("PublicIPv6"));
        Map<String, Object> data = Json.object(m.get("BackendData"), "BackendData");
        assertEquals("k/ey=", data.get("PublicKey"));
        assertEquals(51820L, data.get("Port"));
        assertEquals(-1500.0, m.get("F"));
        assertEquals(List.of(1L, "a\n"), m.get("L"));
        assertEquals(m, Json.parse(Json.write(m)));
    }

    @Test
    void indentedForPeopleWithNonFiniteNumbersAsNull() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("runs", new double[] {1.5, Double.NaN});
        m.put("rows", List.of(Map.of("path", "ours"), Map.of()));
        m.put("none", Map.of());
        assertEquals("""
                {
                  "runs": [1.5, null],
                  "rows": [
                    {
                      "path": "ours"
                    },
                    {}
                  ],
                  "none": {}
                }
                """, Json.writeIndented(m));
        assertEquals("{\"runs\":[1.5,null],\"rows\":[{\"path\":\"ours\"},{}],\"none\":{}}", Json.write(m));
    }

    @Test
    void malformedTextIsAnErrorNamingWhere() {
        for (String bad : List.of("", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "\"abc", "tru", "{\"a\":1} x", "\"\\q\"", "01x", "\"a\u0001\"")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertEquals(true, e.getMessage().startsWith("JSON: "), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(100) + "]".repeat(100)));
    }

    @Test
    void randomTextNeverThrowsAnythingElse() {
        Random r = new Random(7);
        String alphabet = "{}[]\",:0123456789.-eEtrufalsn \\u";
        for (int i = 0; i < 100_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(24);
            for (int j = 0; j < n; j++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            try {
                Json.parse(sb.toString());
            } catch (IllegalArgumentException expected) {
                // the only failure allowed
            }
        }
    }
}
