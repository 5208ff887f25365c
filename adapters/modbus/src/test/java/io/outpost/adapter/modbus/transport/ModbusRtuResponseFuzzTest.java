package io.outpost.adapter.modbus.transport;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;

/**
 * Any answer to a Modbus RTU read (unit, PDU, CRC; no length on the wire): a device problem or values, never
 * another failure. The byte counts 252-255 that overflowed the frame buffer (issue 15) are kept as inputs:
 * src/test/resources/io/outpost/adapter/modbus/transport/ModbusRtuResponseFuzzTestInputs/.
 */
class ModbusRtuResponseFuzzTest {

    @FuzzTest
    void anyAnswer_isADeviceProblemOrDecodes(byte[] input) {
        ScriptedLink link = new ScriptedLink(ResponseFuzzing.answer(input));
        ResponseFuzzing.exchange(new RtuTransport(link, Duration.ofMillis(1), 0, 0), input);
    }
}
