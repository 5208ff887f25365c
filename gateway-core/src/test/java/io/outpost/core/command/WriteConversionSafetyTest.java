package io.outpost.core.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.message.CommandMessage;
import io.outpost.core.point.Value;
import io.outpost.core.testing.CoreHarness;
import io.outpost.core.testing.TestAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 finding 1 and 4: a command's number is converted and checked once, in the core, whatever form it has
 * (JSON number, JSON string, bare word, Sparkplug value rendered as JSON); nothing non-finite reaches an adapter.
 */
class WriteConversionSafetyTest {

    private static final String CONFIG = """
            gateway: {id: gw, site: site, data-dir: /tmp/outpost-test}
            devices:
              - id: dev
                protocol: test
                points:
                  - {id: valve, address: 1, range: [0, 90], writable: true}
                  - {id: scaled, address: 2, scale: 0.1, writable: true}
                  - {id: ratio, address: 3, type: float64, writable: true}
                  - {id: count, address: 4, type: int16, writable: true}
                  - {id: big, address: 5, type: uint64, writable: true}
                  - {id: pump, address: 6, type: bool, writable: true}
                  - {id: learned, address: 7, writable: true}
            """;

    private CoreHarness core;
    private TestAdapter dev;

    @BeforeEach
    void start() throws Exception {
        core = new CoreHarness(CONFIG).start();
        dev = core.device("dev");
        core.advance(Duration.ofMillis(10));
    }

    @AfterEach
    void close() {
        core.close();
    }

    private String command(String point, String payload) {
        core.runtime.commands().handle(CommandMessage.of("site/dev/" + point + "/set",
                payload.getBytes(StandardCharsets.UTF_8)));
        core.advance(Duration.ofMillis(10));
        List<String> results = core.sink.payloads("site/dev/" + point + "/set/result");
        return results.get(results.size() - 1);
    }

    @Test
    void textNumbers_onAnUntypedPointWithARange_areConvertedAndRangeCheckedInTheCore() {
        assertThat(command("valve", "\"95\"")).contains("\"error\":\"out-of-range\"");
        assertThat(command("valve", "+96")).contains("\"error\":\"out-of-range\"");
        assertThat(command("valve", "{\"value\": \" 91.5 \"}")).contains("\"error\":\"out-of-range\"");
        assertThat(command("valve", "Infinity")).contains("\"ok\":false");
        assertThat(command("valve", "\"NaN\"")).contains("\"ok\":false");
        assertThat(command("valve", "\"0x10\"")).contains("\"error\":\"conversion-error\"");
        assertThat(dev.writes()).as("nothing refused reaches the adapter").isEmpty();

        assertThat(command("valve", "\"50\"")).contains("\"ok\":true");
        assertThat(command("valve", "+12.5")).contains("\"ok\":true");

        assertThat(dev.writes()).containsExactly(Map.entry("valve", Value.of(50)), Map.entry("valve", Value.of(12.5)));
    }

    @Test
    void aBoolean_isNotANumber_forAnyPointTheConfigurationMakesNumeric() {
        assertThat(command("valve", "true")).contains("\"error\":\"conversion-error\"");
        assertThat(command("scaled", "false")).contains("\"error\":\"conversion-error\"");
        assertThat(command("ratio", "true")).contains("\"error\":\"conversion-error\"");
        assertThat(command("count", "true")).contains("\"error\":\"conversion-error\"");

        assertThat(dev.writes()).isEmpty();
    }

    @Test
    void textNumbers_onAScaledUntypedPoint_areUnscaledInTheCore() {
        assertThat(command("scaled", "\"4.5\"")).contains("\"ok\":true");

        assertThat(dev.writes()).singleElement().satisfies(w -> assertThat(w.getValue().asDouble()).isEqualTo(45.0));
    }

    @Test
    void nonFiniteValues_areRefusedForEveryPoint_whateverTheirForm() {
        assertThat(command("ratio", "NaN")).contains("\"ok\":false");
        assertThat(command("ratio", "\"Infinity\"")).contains("\"ok\":false");
        assertThat(command("ratio", "-Infinity")).contains("\"ok\":false");
        assertThat(command("ratio", "1e999")).contains("\"error\":\"out-of-range\"");
        assertThat(command("learned", "1e999")).contains("\"error\":\"out-of-range\"");
        assertThat(command("learned", "[1, 1e999]")).contains("\"error\":\"out-of-range\"");

        assertThat(dev.writes()).isEmpty();
    }

    @Test
    void infinity_toAnIntegerPoint_isRefusedWithAResult_notAnException() {
        assertThat(command("count", "Infinity")).contains("\"ok\":false");
        assertThat(command("count", "1e999")).contains("\"error\":\"out-of-range\"");

        assertThat(dev.writes()).isEmpty();
    }

    @Test
    void hugeExponents_areRefusedBeforeAnyExactConversion() {
        assertThat(command("count", "\"1e400000000\"")).contains("\"error\":\"conversion-error\"");
        assertThat(command("count", "\"1e4000\"")).contains("\"error\":\"out-of-range\"");
        assertThat(command("valve", "\"1e-4000\"")).contains("\"ok\":true");
        assertThat(command("count", "\"" + "9".repeat(65) + "\"")).contains("\"error\":\"conversion-error\"");

        assertThat(dev.writes()).containsExactly(Map.entry("valve", Value.of(0)));
    }

    @Test
    void wholeNumbers_keepTheirExactValue_upToUint64() {
        assertThat(command("big", "\"18446744073709551615\"")).contains("\"ok\":true");
        assertThat(command("count", "\"32767\"")).contains("\"ok\":true");
        assertThat(command("count", "32768")).contains("\"error\":\"out-of-range\"");

        assertThat(dev.writes()).containsExactly(Map.entry("big", new Value.UInt64(-1L)),
                Map.entry("count", Value.of(32767)));
    }

    @Test
    void booleanPoints_takeOneRule_trueFalse_oneZero_andTheWords() {
        for (String yes : List.of("true", "1", "1.0", "on", "\"ACTIVE\"")) {
            assertThat(command("pump", yes)).as(yes).contains("\"ok\":true");
        }
        for (String no : List.of("2", "0.5", "\"maybe\"")) {
            assertThat(command("pump", no)).as(no).contains("\"error\":\"conversion-error\"");
        }

        assertThat(dev.writes()).hasSize(5).allSatisfy(w -> assertThat(w.getValue()).isEqualTo(Value.of(true)));
    }

    @Test
    void anUntypedPointWithoutRangeOrScaling_passesTheJsonFormForTheDeviceTypeToDecide() {
        command("learned", "\"00123\"");
        command("learned", "true");
        command("learned", "7");

        assertThat(dev.writes()).containsExactly(Map.entry("learned", Value.of("00123")),
                Map.entry("learned", Value.of(true)), Map.entry("learned", Value.of(7)));
    }
}
