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

    @Test
    void the_payload_is_byte_for_byte_what_jackson_writes_for_random_values() throws Exception {
        java.util.Random random = new java.util.Random(11);
        String[] texts = {"", "plain", "quote\" and \\ back", "tab\tnew\nline\u0001\u001f", "é ünï", "日本", "emoji \uD83D\uDE00", "\u007f"};
        for (int i = 0; i < 5_000; i++) {
            Value v = switch (random.nextInt(7)) {
                case 0 -> Value.of(random.nextBoolean());
                case 1 -> Value.of(random.nextLong() >> random.nextInt(64));
                case 2 -> new Value.UInt64(random.nextLong());
                case 3 -> Value.ofFloat32(Float.intBitsToFloat(random.nextInt()));
                case 4 -> Value.of(Double.longBitsToDouble(random.nextLong()));
                case 5 -> Value.of(texts[random.nextInt(texts.length)]);
                default -> new Value.Array(List.of(Value.of(random.nextInt()), Value.of(texts[random.nextInt(texts.length)])));
            };
            Quality q = random.nextInt(4) == 0 ? Quality.bad(texts[random.nextInt(texts.length)]) : Quality.GOOD;
            Sample s = new Sample(REF, q.isGood() || random.nextBoolean() ? v : null, q, random.nextLong() >> 20);
            assertThat(encode(s)).isEqualTo(viaJackson(s));
        }
    }

    /** The payload as Jackson's generator writes it (what the payload format wrote before it wrote bytes itself). */
    private static String viaJackson(Sample sample) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (com.fasterxml.jackson.core.JsonGenerator g = JsonPayloadFormat.JSON.createGenerator(out)) {
            g.writeStartObject();
            if (sample.hasValue()) {
                g.writeFieldName("value");
                JsonPayloadFormat.writeValue(g, sample.value());
            }
            g.writeStringField("quality", sample.quality().status().wireName());
            if (!sample.quality().isGood()) {
                g.writeStringField("reason", sample.quality().reason());
            }
            g.writeNumberField("ts", sample.sourceMillis());
            g.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
