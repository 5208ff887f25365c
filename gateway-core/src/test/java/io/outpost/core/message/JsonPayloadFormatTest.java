package io.outpost.core.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonPayloadFormatTest {

    private static final PointRef REF = new PointRef("d", "p");
    private static final long TS = 1_763_700_000_123L;
    private final JsonPayloadFormat json = new JsonPayloadFormat();

    private String encode(Sample s) {
        return new String(json.encode(s), StandardCharsets.UTF_8);
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

    @Test
    void a_float32_is_written_as_the_shortest_decimal_that_reads_back_to_the_same_float() {
        // 2.484f is 2.4839999675750732 as a double: the float, not the double, is what the device holds.
        assertThat(encode(Sample.good(REF, Value.ofFloat32(2.484f), TS))).startsWith("{\"value\":2.484,");
        assertThat(encode(Sample.good(REF, Value.ofFloat32(98765.44f), TS))).startsWith("{\"value\":98765.44,");
        assertThat(encode(Sample.good(REF, Value.ofFloat32(21.3f), TS))).startsWith("{\"value\":21.3,");
        assertThat(encode(Sample.good(REF, Value.ofFloat32(0.1f), TS))).startsWith("{\"value\":0.1,");
    }

    @Test
    void every_float32_reads_back_to_itself_and_is_never_longer_than_java_writes_it() {
        java.util.Random random = new java.util.Random(20261205);
        for (int i = 0; i < 20_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (!Float.isFinite(f)) {
                continue;
            }
            String text = json(Sample.good(REF, Value.ofFloat32(f), TS));
            assertThat(Float.parseFloat(text)).as("%s", text).isEqualTo(f);
            assertThat(text.length()).as("%s against %s", text, Float.toString(f)).isLessThanOrEqualTo(Float.toString(f).length());
        }
    }

    @Test
    void a_double_is_written_as_the_shortest_decimal_that_reads_back_to_the_same_double() {
        assertThat(encode(Sample.good(REF, Value.of(2.4839999675750732), TS))).startsWith("{\"value\":2.4839999675750732,");
        // Java 17's Double.toString writes 1.0E23 as 9.999999999999999E22 (JDK-4511638, fixed in Java 19).
        assertThat(Double.parseDouble(json(Sample.good(REF, Value.of(1.0E23), TS)))).isEqualTo(1.0E23);
        assertThat(json(Sample.good(REF, Value.of(1.0E23), TS))).isEqualTo("1.0E23");
    }

    /** The value field alone, as text. */
    private String json(Sample s) {
        String all = encode(s);
        return all.substring("{\"value\":".length(), all.indexOf(",\"quality\""));
    }
}
