package io.outpost.adapter.opcua.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.time.Instant;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.junit.jupiter.api.Test;

class ValueConversionTest {

    private static final PointRef P = new PointRef("dev", "pt");
    private static final long ARRIVAL = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();

    @Test
    void unsignedAndWideIntegers_keepTheirValue() throws Exception {
        assertThat(VariantValues.toValue(UInteger.valueOf(4_000_000_000L))).isEqualTo(Value.of(4_000_000_000L));
        assertThat(VariantValues.toValue(ULong.valueOf("18446744073709551615"))).isEqualTo(new Value.UInt64(-1L));
        assertThat(VariantValues.toValue(new UShort[] {UShort.valueOf(1), UShort.valueOf(65535)}))
                .isEqualTo(new Value.Array(List.of(Value.of(1), Value.of(65535))));
    }

    @Test
    void structures_areRefusedWithAReason() {
        assertThatThrownBy(() -> VariantValues.toValue(ExtensionObject.encode(
                org.eclipse.milo.opcua.stack.core.encoding.DefaultEncodingContext.INSTANCE,
                new org.eclipse.milo.opcua.stack.core.types.structured.Range(0.0, 1.0))))
                .isInstanceOfSatisfying(UnsupportedValueException.class,
                        e -> assertThat(e.reason()).startsWith("unsupported-type:"));
    }

    @Test
    void statusCodes_mapToQualityWithTheirName_andSourceTimeWins() {
        DateTime source = new DateTime(Instant.parse("2026-11-21T09:00:00Z"));
        DateTime server = new DateTime(Instant.parse("2026-11-21T09:00:01Z"));
        Sample good = DataValueSamples.toSample(P, new DataValue(new Variant(1.5), StatusCode.GOOD, source, server), ARRIVAL);
        assertThat(good.quality()).isEqualTo(Quality.GOOD);
        assertThat(good.sourceTime()).isEqualTo(source.getJavaInstant());

        Sample uncertain = DataValueSamples.toSample(P, new DataValue(new Variant(1.5),
                new StatusCode(StatusCodes.Uncertain_SensorNotAccurate), null, server), ARRIVAL);
        assertThat(uncertain.quality()).isEqualTo(Quality.uncertain("Uncertain_SensorNotAccurate"));
        assertThat(uncertain.value()).isEqualTo(Value.of(1.5));
        assertThat(uncertain.sourceTime()).isEqualTo(server.getJavaInstant());

        Sample bad = DataValueSamples.toSample(P, new DataValue(Variant.NULL_VALUE,
                new StatusCode(StatusCodes.Bad_NodeIdUnknown), null, null, null, null), ARRIVAL);
        assertThat(bad.quality()).isEqualTo(Quality.bad("Bad_NodeIdUnknown"));
        assertThat(bad.hasValue()).isFalse();
        assertThat(bad.sourceMillis()).isEqualTo(ARRIVAL);

        // Info bits (here: overflow) do not change the name.
        assertThat(StatusNames.of(StatusCodes.Bad_SensorFailure | 0x480L)).isEqualTo("Bad_SensorFailure");
        assertThat(StatusNames.of(0x80FF_0000L)).isEqualTo("Bad_0x80FF0000");
    }

    @Test
    void writes_convertToTheNodeType_andRefuseWhatDoesNotFit() throws Exception {
        assertThat(WriteVariants.toVariant(Value.of(42), new NodeValueType(OpcUaDataType.Int16, false)).value())
                .isEqualTo((short) 42);
        assertThat(WriteVariants.toVariant(Value.of(42.0), new NodeValueType(OpcUaDataType.UInt32, false)).value())
                .isEqualTo(UInteger.valueOf(42));
        assertThat(WriteVariants.toVariant(Value.of(7.25), new NodeValueType(OpcUaDataType.Float, false)).value())
                .isEqualTo(7.25f);
        assertThat(WriteVariants.toVariant(Value.of(1), new NodeValueType(OpcUaDataType.Boolean, false)).value())
                .isEqualTo(true);
        assertThat(WriteVariants.toVariant(new Value.UInt64(-1L), new NodeValueType(OpcUaDataType.UInt64, false))
                .value()).isEqualTo(ULong.valueOf("18446744073709551615"));
        assertThat((Object[]) WriteVariants.toVariant(new Value.Array(List.of(Value.of(1), Value.of(2))),
                new NodeValueType(OpcUaDataType.Double, true)).value()).containsExactly(1.0, 2.0);

        assertThatThrownBy(() -> WriteVariants.toVariant(Value.of(-1), new NodeValueType(OpcUaDataType.Byte, false)))
                .isInstanceOfSatisfying(UnsupportedValueException.class,
                        e -> assertThat(e.reason()).isEqualTo("out-of-range"));
        assertThatThrownBy(() -> WriteVariants.toVariant(Value.of(2.5), new NodeValueType(OpcUaDataType.Int32, false)))
                .isInstanceOfSatisfying(UnsupportedValueException.class,
                        e -> assertThat(e.reason()).isEqualTo("conversion-error"));
        assertThatThrownBy(() -> WriteVariants.toVariant(Value.of("x"), new NodeValueType(OpcUaDataType.Double, false)))
                .isInstanceOfSatisfying(UnsupportedValueException.class,
                        e -> assertThat(e.reason()).isEqualTo("conversion-error"));
        assertThatThrownBy(() -> WriteVariants.toVariant(Value.of(1), new NodeValueType(OpcUaDataType.Int32, true)))
                .isInstanceOf(UnsupportedValueException.class);
    }

    @Test
    void numericNodes_takeNumbersOnly_neverTextOrBooleans() {
        for (OpcUaDataType type : List.of(OpcUaDataType.Double, OpcUaDataType.Float, OpcUaDataType.Int32,
                OpcUaDataType.UInt64)) {
            for (Value v : List.of(Value.of("95"), Value.of(true), Value.of(Double.NaN),
                    Value.of(Double.POSITIVE_INFINITY))) {
                assertThatThrownBy(() -> WriteVariants.toVariant(v, new NodeValueType(type, false)))
                        .as("%s to %s", v, type)
                        .isInstanceOfSatisfying(UnsupportedValueException.class,
                                e -> assertThat(e.reason()).isEqualTo("conversion-error"));
            }
        }
    }
}
