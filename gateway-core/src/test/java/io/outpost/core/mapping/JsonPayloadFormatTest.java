package io.outpost.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonPayloadFormatTest {

    private static final PointRef REF = new PointRef("d", "p");
    private static final Instant TS = Instant.ofEpochMilli(1_763_700_000_123L);
    private final JsonPayloadFormat json = new JsonPayloadFormat();

    private String encode(Sample s) {
        return new String(json.encode(null, s), StandardCharsets.UTF_8);
    }

    @Test
    void good_value() {
        assertThat(encode(Sample.good(REF, Value.of(21.5), TS))).isEqualTo("{\"value\":21.5,\"quality\":\"good\",\"ts\":1763700000123}");
    }

    @Test
    void bad_value_has_a_reason_and_no_value() {
        assertThat(encode(Sample.bad(REF, "timeout", TS))).isEqualTo("{\"quality\":\"bad\",\"reason\":\"timeout\",\"ts\":1763700000123}");
    }

    @Test
    void every_value_kind() {
        assertThat(encode(new Sample(REF, new Value.UInt64(-1L), Quality.GOOD, TS))).startsWith("{\"value\":18446744073709551615,");
        assertThat(encode(new Sample(REF, Value.of(true), Quality.GOOD, TS))).startsWith("{\"value\":true,");
        assertThat(encode(new Sample(REF, Value.of("a\"b"), Quality.GOOD, TS))).startsWith("{\"value\":\"a\\\"b\",");
        assertThat(encode(new Sample(REF, new Value.Array(List.of(Value.of(1), Value.of(2.5))), Quality.GOOD, TS)))
                .startsWith("{\"value\":[1,2.5],");
        assertThat(encode(new Sample(REF, Value.of(Double.NaN), Quality.uncertain("x"), TS)))
                .isEqualTo("{\"value\":\"NaN\",\"quality\":\"uncertain\",\"reason\":\"x\",\"ts\":1763700000123}");
    }
}
