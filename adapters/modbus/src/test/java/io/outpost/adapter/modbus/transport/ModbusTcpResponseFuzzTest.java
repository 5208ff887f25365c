package io.outpost.adapter.modbus.transport;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;

/**
 * Any answer to a Modbus TCP read (MBAP header and PDU): a device problem or values, never another failure. Kept
 * inputs: src/test/resources/io/outpost/adapter/modbus/transport/ModbusTcpResponseFuzzTestInputs/.
 */
class ModbusTcpResponseFuzzTest {

    @FuzzTest
    void anyAnswer_isADeviceProblemOrDecodes(byte[] input) {
        ScriptedLink link = new ScriptedLink(ResponseFuzzing.answer(input));
        ResponseFuzzing.exchange(new MbapTransport(link, Duration.ofMillis(1)), input);
    }
}
