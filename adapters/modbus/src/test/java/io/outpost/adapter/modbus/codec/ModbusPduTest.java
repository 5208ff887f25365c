package io.outpost.adapter.modbus.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.adapter.modbus.config.Table;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ModbusPduTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void requests_areEncodedAsTheSpecificationSays() {
        assertThat(ModbusPdu.read(Table.HOLDING_REGISTER, 0x006B, 3)).containsExactly(hex("03 006B 0003"));
        assertThat(ModbusPdu.read(Table.COIL, 19, 19)).containsExactly(hex("01 0013 0013"));
        assertThat(ModbusPdu.writeSingleCoil(0xAC, true)).containsExactly(hex("05 00AC FF00"));
        assertThat(ModbusPdu.writeSingleRegister(1, hex("0003"))).containsExactly(hex("06 0001 0003"));
        assertThat(ModbusPdu.writeMultipleCoils(19, new boolean[] {true, false, true, true, false, false, true, true, true, false}))
                .containsExactly(hex("0F 0013 000A 02 CD 01"));
        assertThat(ModbusPdu.writeMultipleRegisters(1, hex("000A 0102"))).containsExactly(hex("10 0001 0002 04 000A 0102"));
    }

    @Test
    void check_fittingAnswers_pass() throws Exception {
        ModbusPdu.check(ModbusPdu.read(Table.HOLDING_REGISTER, 0, 2), hex("03 04 0001 0002"));
        ModbusPdu.check(ModbusPdu.read(Table.COIL, 0, 9), hex("01 02 FF 01"));
        ModbusPdu.check(ModbusPdu.writeSingleCoil(5, true), hex("05 0005 FF00"));
        ModbusPdu.check(ModbusPdu.writeMultipleRegisters(1, hex("000A 0102")), hex("10 0001 0002"));
    }

    @Test
    void check_exceptionAnswer_throwsItsCode() {
        assertThatThrownBy(() -> ModbusPdu.check(ModbusPdu.read(Table.INPUT_REGISTER, 0, 1), hex("84 02")))
                .isInstanceOf(ExceptionResponse.class)
                .satisfies(e -> {
                    assertThat(((ExceptionResponse) e).code()).isEqualTo(2);
                    assertThat(((ExceptionResponse) e).reason()).isEqualTo("device-exception:02");
                });
    }

    @Test
    void check_answersThatDoNotFit_areMalformed() {
        byte[] read2 = ModbusPdu.read(Table.HOLDING_REGISTER, 0, 2);
        assertThatThrownBy(() -> ModbusPdu.check(read2, hex("03 02 0001"))).isInstanceOf(MalformedResponse.class)
                .hasMessageContaining("byte count 2");
        assertThatThrownBy(() -> ModbusPdu.check(read2, hex("03 04 0001"))).isInstanceOf(MalformedResponse.class);
        assertThatThrownBy(() -> ModbusPdu.check(read2, hex("04 04 0001 0002"))).isInstanceOf(MalformedResponse.class)
                .hasMessageContaining("function code 0x04");
        assertThatThrownBy(() -> ModbusPdu.check(read2, hex("83 02 00"))).isInstanceOf(MalformedResponse.class);
        assertThatThrownBy(() -> ModbusPdu.check(read2, hex("03"))).isInstanceOf(MalformedResponse.class);
        assertThatThrownBy(() -> ModbusPdu.check(ModbusPdu.writeSingleRegister(1, hex("0003")), hex("06 0001 0004")))
                .isInstanceOf(MalformedResponse.class).hasMessageContaining("echo");
    }
}
