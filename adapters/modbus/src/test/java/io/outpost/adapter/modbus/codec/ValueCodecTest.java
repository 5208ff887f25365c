package io.outpost.adapter.modbus.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.adapter.modbus.config.ModbusAddress;
import io.outpost.adapter.modbus.config.ModbusByteOrder;
import io.outpost.adapter.modbus.config.ModbusPoint;
import io.outpost.adapter.modbus.config.Table;
import io.outpost.adapter.modbus.testing.KnownValues;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;
import io.outpost.core.spi.DeviceException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ValueCodecTest {

    static Stream<Arguments> everyTypeInEveryOrder() {
        return KnownValues.all().stream().map(c -> Arguments.of(c.type(), c.order(), c.value(), c.wire()));
    }

    private static ModbusPoint holding(DataType type, String orderName, int length) {
        ModbusByteOrder order = ModbusByteOrder.parse(orderName).orElseThrow().order();
        return ModbusPoint.of(1, new ModbusAddress(Table.HOLDING_REGISTER, 10, -1), type, order, length);
    }

    private static byte[] response(byte[] registers) {
        byte[] r = new byte[2 + registers.length];
        r[0] = 3;
        r[1] = (byte) registers.length;
        System.arraycopy(registers, 0, r, 2, registers.length);
        return r;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyTypeInEveryOrder")
    void decode_everyTypeInEveryOrder_givesTheKnownValue(DataType type, String order, Value expected, byte[] wire) {
        assertThat(ValueCodec.decode(holding(type, order, 0), response(wire), 10)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyTypeInEveryOrder")
    void encode_everyTypeInEveryOrder_givesTheKnownRegisters(DataType type, String order, Value value, byte[] wire)
            throws DeviceException {
        assertThat(ValueCodec.encode(holding(type, order, 0), value)).containsExactly(wire);
    }

    @Test
    void decode_float32Cdab_readsTheSwappedWords() {
        byte[] wire = HexFormat.of().parseHex("E97942F6");
        Value v = ValueCodec.decode(holding(DataType.FLOAT32, "CDAB", 0), response(wire), 10);
        assertThat((float) v.asDouble()).isEqualTo(123.456f);
    }

    @Test
    void decode_fourLetterOrderOnA64BitValue_meansItsEightByteEquivalent() {
        byte[] be = ByteBuffer.allocate(8).putDouble(1.5e300).array();
        assertThat(ValueCodec.decode(holding(DataType.FLOAT64, "CDAB", 0), response(KnownValues.wire(be, "GHEFCDAB")), 10))
                .isEqualTo(Value.of(1.5e300));
    }

    @Test
    void decode_bitOfRegister_readsThatBitOnly() {
        ModbusPoint bit3 = ModbusPoint.of(1, new ModbusAddress(Table.HOLDING_REGISTER, 11, 3), DataType.BOOL,
                ModbusByteOrder.ABCD, 0);
        ModbusPoint bit2 = ModbusPoint.of(1, new ModbusAddress(Table.HOLDING_REGISTER, 11, 2), DataType.BOOL,
                ModbusByteOrder.ABCD, 0);
        byte[] r = response(HexFormat.of().parseHex("FFFF0008"));
        assertThat(ValueCodec.decode(bit3, r, 10)).isEqualTo(Value.of(true));
        assertThat(ValueCodec.decode(bit2, r, 10)).isEqualTo(Value.of(false));
    }

    @Test
    void decode_coils_readsLeastSignificantBitFirst() {
        byte[] r = {1, 2, (byte) 0b0000_0101, (byte) 0b1000_0000};
        ModbusPoint coil = ModbusPoint.of(1, new ModbusAddress(Table.COIL, 100, -1), DataType.BOOL, ModbusByteOrder.ABCD, 0);
        ModbusPoint coil15 = ModbusPoint.of(1, new ModbusAddress(Table.COIL, 115, -1), DataType.BOOL, ModbusByteOrder.ABCD, 0);
        ModbusPoint coil1 = ModbusPoint.of(1, new ModbusAddress(Table.COIL, 101, -1), DataType.BOOL, ModbusByteOrder.ABCD, 0);
        assertThat(ValueCodec.decode(coil, r, 100)).isEqualTo(Value.of(true));
        assertThat(ValueCodec.decode(coil1, r, 100)).isEqualTo(Value.of(false));
        assertThat(ValueCodec.decode(coil15, r, 100)).isEqualTo(Value.of(true));
    }

    @Test
    void decode_string_stopsAtNulAndDropsTrailingSpaces() {
        byte[] wire = "PUMP-7  \0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(ValueCodec.decode(holding(DataType.STRING, "AB", 10), response(wire), 10)).isEqualTo(Value.of("PUMP-7"));
    }

    @Test
    void decode_stringByteSwapped_swapsEachRegister() {
        byte[] wire = "UPPM7-".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(ValueCodec.decode(holding(DataType.STRING, "BA", 6), response(wire), 10)).isEqualTo(Value.of("PUMP-7"));
    }

    @Test
    void encode_string_padsWithNulAndRefusesTooLong() throws DeviceException {
        assertThat(ValueCodec.encode(holding(DataType.STRING, "AB", 5), Value.of("AB")))
                .containsExactly('A', 'B', 0, 0, 0, 0);
        assertThatThrownBy(() -> ValueCodec.encode(holding(DataType.STRING, "AB", 5), Value.of("TOOLONG")))
                .isInstanceOf(DeviceException.class).extracting(e -> ((DeviceException) e).reason()).isEqualTo("out-of-range");
    }

    @Test
    void encode_boolInAWholeRegister_writesOneOrZero() throws DeviceException {
        assertThat(ValueCodec.encode(holding(DataType.BOOL, "AB", 0), Value.of(true))).containsExactly(0, 1);
        assertThat(ValueCodec.encode(holding(DataType.BOOL, "AB", 0), Value.of(false))).containsExactly(0, 0);
    }

    @Test
    void encode_wrongKindOfValue_isAConversionError() {
        assertThatThrownBy(() -> ValueCodec.encode(holding(DataType.INT16, "AB", 0), Value.of("x")))
                .isInstanceOf(DeviceException.class).extracting(e -> ((DeviceException) e).reason()).isEqualTo("conversion-error");
    }

    @Test
    void crc16_matchesTheSpecificationExample() {
        // Modbus over serial line V1.02, section 6.2.2: read 10 holding registers of slave 1 is 01 03 00 00 00 0A C5 CD.
        byte[] frame = HexFormat.of().parseHex("01030000000AC5CD");
        assertThat(Crc16.of(frame, 0, 6)).isEqualTo(0xCDC5);
        assertThat(Crc16.matches(frame, 8)).isTrue();
        frame[3] ^= 1;
        assertThat(Crc16.matches(frame, 8)).isFalse();
    }
}
