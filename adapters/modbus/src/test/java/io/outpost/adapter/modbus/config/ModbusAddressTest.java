package io.outpost.adapter.modbus.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModbusAddressTest {

    @ParameterizedTest(name = "{0} is {1} index {2} bit {3}")
    @CsvSource({
            "40001, HOLDING_REGISTER, 0, -1",
            "49999, HOLDING_REGISTER, 9998, -1",
            "400001, HOLDING_REGISTER, 0, -1",
            "465536, HOLDING_REGISTER, 65535, -1",
            "30001, INPUT_REGISTER, 0, -1",
            "310000, INPUT_REGISTER, 9999, -1",
            "10001, DISCRETE_INPUT, 0, -1",
            "00001, COIL, 0, -1",
            "1, COIL, 0, -1",
            "017, COIL, 16, -1",
            "000100, COIL, 99, -1",
            "40010.3, HOLDING_REGISTER, 9, 3",
            "30002.15, INPUT_REGISTER, 1, 15",
    })
    void parse_modiconReference_givesTableIndexAndBit(String text, Table table, int index, int bit) {
        ModbusAddress.Parsed parsed = ModbusAddress.parse(text);
        assertThat(parsed.problem()).isNull();
        assertThat(parsed.address()).isEqualTo(new ModbusAddress(table, index, bit));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "50001 | starts with 5",
            "20001 | starts with 2",
            "40000 | from 1 to 9999",
            "400000 | from 1 to 65536",
            "465537 | from 1 to 65536",
            "00001.2 | only applies to a register",
            "40001.16 | bits 0 to 15",
            "4x0001 | is not a Modicon reference",
            "-40001 | is not a Modicon reference",
            "4000001 | is not a Modicon reference",
    })
    void parse_badReference_saysWhatIsWrong(String text, String expected) {
        ModbusAddress.Parsed parsed = ModbusAddress.parse(text);
        assertThat(parsed.ok()).isFalse();
        assertThat(parsed.problem()).contains(expected);
    }

    @Test
    void toString_writesTheModiconReference() {
        assertThat(new ModbusAddress(Table.HOLDING_REGISTER, 9, 3)).hasToString("40010.3");
        assertThat(new ModbusAddress(Table.COIL, 0, -1)).hasToString("00001");
        assertThat(new ModbusAddress(Table.INPUT_REGISTER, 9999, -1)).hasToString("310000");
    }
}
