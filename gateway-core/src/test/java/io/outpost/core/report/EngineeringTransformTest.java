package io.outpost.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.config.Publication;
import io.outpost.core.config.PointConfig;
import io.outpost.core.config.Range;
import io.outpost.core.config.ReportPolicy;
import io.outpost.core.config.Scaling;
import io.outpost.core.point.DataType;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Engineering values from raw readings with known results: decimal scale and offset give the decimal a person
 * computes, float32 stays single precision, and out-of-range values become uncertain.
 */
class EngineeringTransformTest {

    private static PointConfig point(DataType type, double scale, double offset, Range range) {
        return new PointConfig(new PointRef("d", "p"), type, "", "", Duration.ofSeconds(1), ReportPolicy.ON_CHANGE,
                new Scaling(scale, offset), range, new Publication("t", 1, false, "json"), null, null, null);
    }

    private static Value engineering(DataType type, double scale, double offset, Value raw) {
        return new EngineeringTransform(point(type, scale, offset, null)).apply(Sample.good(new PointRef("d", "p"), raw, 0))
                .value();
    }

    @Test
    void a_decimal_scale_gives_the_decimal_result_not_the_binary_one() {
        // 213 * 0.1 is 21.300000000000001 in doubles; the configured decimal means 21.3.
        assertThat(engineering(DataType.INT16, 0.1, 0, Value.of(213))).isEqualTo(Value.of(21.3));
        assertThat(engineering(DataType.UINT16, 0.01, -40, Value.of(6543))).isEqualTo(Value.of(25.43));
        assertThat(engineering(DataType.INT32, 0.001, 0, Value.of(-1))).isEqualTo(Value.of(-0.001));
        assertThat(engineering(DataType.UINT32, 1.5, 0.25, Value.of(3))).isEqualTo(Value.of(4.75));
        assertThat(engineering(DataType.INT16, 10, 0, Value.of(-7))).isEqualTo(Value.of(-70.0));
        assertThat(engineering(DataType.INT16, 0.3, 0, Value.of(3))).isEqualTo(Value.of(0.9));
    }

    @Test
    void a_scaled_float32_stays_single_precision_and_prints_as_its_float() {
        Value v = engineering(DataType.FLOAT32, 0.1, 0, Value.ofFloat32(98765.44f));
        assertThat(v).isEqualTo(Value.ofFloat32(9876.544f));
        assertThat(v.toString()).isEqualTo("9876.544");
    }

    @Test
    void an_unscaled_float32_given_as_a_double_becomes_single_precision() {
        assertThat(engineering(DataType.FLOAT32, 1, 0, Value.of((double) 2.484f))).isEqualTo(Value.ofFloat32(2.484f));
        assertThat(engineering(DataType.FLOAT32, 1, 0, Value.of((double) 2.484f)).toString()).isEqualTo("2.484");
    }

    @Test
    void values_that_need_no_change_are_the_same_object() {
        Sample raw = Sample.good(new PointRef("d", "p"), Value.of(7), 0);
        assertThat(new EngineeringTransform(point(DataType.INT16, 1, 0, null)).apply(raw)).isSameAs(raw);
    }

    @Test
    void a_value_outside_the_range_is_uncertain_out_of_range() {
        EngineeringTransform t = new EngineeringTransform(point(DataType.INT16, 0.1, 0, new Range(0, 12)));
        Sample s = t.apply(Sample.good(new PointRef("d", "p"), Value.of(130), 0));
        assertThat(s.value()).isEqualTo(Value.of(13.0));
        assertThat(s.quality()).isEqualTo(Quality.uncertain(Quality.OUT_OF_RANGE));
    }

    @Test
    void booleans_and_text_are_not_scaled() {
        assertThat(engineering(DataType.BOOL, 0.1, 0, Value.of(true))).isEqualTo(Value.of(true));
        assertThat(engineering(DataType.STRING, 0.1, 0, Value.of("x"))).isEqualTo(Value.of("x"));
    }
}
