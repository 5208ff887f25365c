package io.outpost.adapter.bacnet.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.serotonin.bacnet4j.type.enumerated.BinaryPV;
import com.serotonin.bacnet4j.type.enumerated.Polarity;
import com.serotonin.bacnet4j.type.primitive.Boolean;
import com.serotonin.bacnet4j.type.primitive.CharacterString;
import com.serotonin.bacnet4j.type.primitive.Real;
import com.serotonin.bacnet4j.type.primitive.SignedInteger;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import io.outpost.adapter.bacnet.config.BacnetObjectRef;
import io.outpost.adapter.bacnet.config.BacnetPointSettings;
import io.outpost.core.point.Value;
import io.outpost.core.spi.DeviceException;
import org.junit.jupiter.api.Test;

class WriteEncodingTest {

    private static BacnetPointSettings point(int type, int property) {
        return new BacnetPointSettings(new BacnetObjectRef(type, 1), property, null, false, null, 8);
    }

    private static final int PV = BacnetPointSettings.PRESENT_VALUE;

    @Test
    void present_values_take_the_datatype_of_their_object() throws Exception {
        assertThat(WriteEncoding.encode(point(2, PV), Value.of(23.5))).isEqualTo(new Real(23.5f));
        assertThat(WriteEncoding.encode(point(2, PV), Value.of(23L))).isEqualTo(new Real(23f));
        assertThat(WriteEncoding.encode(point(4, PV), Value.of(true))).isEqualTo(BinaryPV.active);
        assertThat(WriteEncoding.encode(point(4, PV), Value.of("off"))).isEqualTo(BinaryPV.inactive);
        assertThat(WriteEncoding.encode(point(4, PV), Value.of(1L))).isEqualTo(BinaryPV.active);
        assertThat(WriteEncoding.encode(point(19, PV), Value.of(3L))).isEqualTo(new UnsignedInteger(3));
        assertThat(WriteEncoding.encode(point(19, PV), Value.of(2.0))).isEqualTo(new UnsignedInteger(2));
    }

    @Test
    void other_properties_take_their_standard_datatype() throws Exception {
        assertThat(WriteEncoding.encode(point(0, 81), Value.of(true))).isEqualTo(Boolean.TRUE); // out-of-service
        assertThat(WriteEncoding.encode(point(0, 77), Value.of("Zone 3"))).isEqualTo(new CharacterString("Zone 3"));
        assertThat(WriteEncoding.encode(point(4, 84), Value.of(1L))).isEqualTo(Polarity.reverse);
    }

    @Test
    void proprietary_properties_take_the_kind_of_the_value() throws Exception {
        assertThat(WriteEncoding.encode(point(130, 600), Value.of(7L))).isEqualTo(new UnsignedInteger(7));
        assertThat(WriteEncoding.encode(point(130, 600), Value.of(-7L))).isEqualTo(new SignedInteger(-7));
        assertThat(WriteEncoding.encode(point(130, 600), Value.of(1.25))).isEqualTo(new Real(1.25f));
    }

    @Test
    void values_that_do_not_fit_are_conversion_errors() {
        assertThatThrownBy(() -> WriteEncoding.encode(point(19, PV), Value.of(-1L)))
                .isInstanceOf(DeviceException.class).hasMessageContaining("unsigned");
        assertThatThrownBy(() -> WriteEncoding.encode(point(19, PV), Value.of(1.5)))
                .isInstanceOf(DeviceException.class).hasMessageContaining("whole number");
        assertThatThrownBy(() -> WriteEncoding.encode(point(4, PV), Value.of("maybe")))
                .isInstanceOf(DeviceException.class).extracting(e -> ((DeviceException) e).reason()).isEqualTo("conversion-error");
    }
}
