package io.outpost.adapter.bacnet.read;

import static org.assertj.core.api.Assertions.assertThat;

import com.serotonin.bacnet4j.type.constructed.DateTime;
import com.serotonin.bacnet4j.type.constructed.PriorityValue;
import com.serotonin.bacnet4j.type.constructed.SequenceOf;
import com.serotonin.bacnet4j.type.constructed.StatusFlags;
import com.serotonin.bacnet4j.type.enumerated.BinaryPV;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.Reliability;
import com.serotonin.bacnet4j.type.primitive.CharacterString;
import com.serotonin.bacnet4j.type.primitive.Date;
import com.serotonin.bacnet4j.type.primitive.Null;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.type.primitive.Real;
import com.serotonin.bacnet4j.type.primitive.SignedInteger;
import com.serotonin.bacnet4j.type.primitive.Time;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Value;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class BacnetValuesTest {

    @Test
    void reals_keep_their_shortest_decimal_form() {
        assertThat(BacnetValues.toValue(new Real(21.3f))).contains(Value.ofFloat32(21.3f));
        assertThat(BacnetValues.toValue(new Real(Float.NaN)).orElseThrow().asDouble()).isNaN();
    }

    @Test
    void binary_values_are_booleans_and_enumerations_and_integers_whole_numbers() {
        assertThat(BacnetValues.toValue(BinaryPV.active)).contains(Value.of(true));
        assertThat(BacnetValues.toValue(BinaryPV.inactive)).contains(Value.of(false));
        assertThat(BacnetValues.toValue(Reliability.overRange)).contains(Value.of(2L));
        assertThat(BacnetValues.toValue(new UnsignedInteger(3))).contains(Value.of(3L));
        assertThat(BacnetValues.toValue(new SignedInteger(-4))).contains(Value.of(-4L));
        assertThat(BacnetValues.toValue(new UnsignedInteger(new BigInteger("18446744073709551615"))))
                .contains(new Value.UInt64(-1L));
    }

    @Test
    void strings_identifiers_flags_arrays_and_times_have_readable_forms() {
        assertThat(BacnetValues.toValue(new CharacterString("AHU-1"))).contains(Value.of("AHU-1"));
        assertThat(BacnetValues.toValue(new ObjectIdentifier(ObjectType.analogInput, 7))).contains(Value.of("analog-input:7"));
        assertThat(BacnetValues.toValue(new StatusFlags(false, true, false, false)))
                .contains(new Value.Array(List.of(Value.of(false), Value.of(true), Value.of(false), Value.of(false))));
        assertThat(BacnetValues.toValue(new SequenceOf<>(new PriorityValue(new Real(1.5f)), new PriorityValue(Null.instance))))
                .contains(new Value.Array(List.of(Value.ofFloat32(1.5f), Value.of("null"))));
        assertThat(BacnetValues.toValue(new DateTime(new Date(2026, com.serotonin.bacnet4j.enums.Month.NOVEMBER, 21, null),
                new Time(14, 5, 9, 50)))).contains(Value.of("2026-11-21T14:05:09.50"));
    }

    @Test
    void null_has_no_value() {
        assertThat(BacnetValues.toValue(Null.instance)).isEmpty();
    }

    @Test
    void a_configured_type_converts_what_fits_and_refuses_what_does_not() {
        assertThat(TypedValues.coerce(Value.of(2.0), DataType.INT16)).contains(Value.of(2L));
        assertThat(TypedValues.coerce(Value.of(2.5), DataType.INT16)).isEmpty();
        assertThat(TypedValues.coerce(Value.of(1L), DataType.BOOL)).contains(Value.of(true));
        assertThat(TypedValues.coerce(Value.of(true), DataType.STRING)).contains(Value.of("true"));
        assertThat(TypedValues.coerce(Value.of("x"), DataType.FLOAT64)).isEmpty();
        assertThat(TypedValues.coerce(Value.of(3L), null)).contains(Value.of(3L));
    }

    @Test
    void status_flags_and_reliability_map_to_quality() {
        assertThat(StatusQuality.of(new StatusFlags(false, false, false, false), null)).isEqualTo(Quality.GOOD);
        assertThat(StatusQuality.of(new StatusFlags(true, false, false, false), null)).isEqualTo(Quality.GOOD);
        assertThat(StatusQuality.of(new StatusFlags(false, true, false, false), null)).isEqualTo(Quality.bad("fault"));
        assertThat(StatusQuality.of(new StatusFlags(false, true, false, false), Reliability.noSensor))
                .isEqualTo(Quality.bad("reliability:no-sensor"));
        assertThat(StatusQuality.of(new StatusFlags(false, false, false, true), null)).isEqualTo(Quality.uncertain("out-of-service"));
        assertThat(StatusQuality.of(new StatusFlags(false, false, true, false), null)).isEqualTo(StatusQuality.OVERRIDDEN);
        assertThat(StatusQuality.of(null, null)).isEqualTo(Quality.GOOD);
    }

    @Test
    void every_unit_symbol_belongs_to_a_standard_unit() {
        assertThat(com.serotonin.bacnet4j.type.enumerated.EngineeringUnits.getNameMap().keySet()).containsAll(Units.SYMBOLS.keySet());
        assertThat(Units.symbol(com.serotonin.bacnet4j.type.enumerated.EngineeringUnits.degreesCelsius)).isEqualTo("°C");
        assertThat(Units.symbol(com.serotonin.bacnet4j.type.enumerated.EngineeringUnits.btusPerPoundDryAir))
                .isEqualTo("btus-per-pound-dry-air");
    }
}
