package io.outpost.adapter.modbus.transport;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Any answer to a Modbus TCP read (MBAP header and PDU): a device problem or values, never another failure. Kept
 * inputs: src/test/resources/io/outpost/adapter/modbus/transport/ModbusTcpResponseFuzzTestInputs/.
 */
class ModbusTcpResponseFuzzTest {

    /** A hang is a finding too: one input may take at most 10 seconds (Jazzer turns this into its per-input timeout). */
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    @FuzzTest
    void anyAnswer_isADeviceProblemOrDecodes(byte[] input) {
        ScriptedLink link = new ScriptedLink(ResponseFuzzing.answer(input));
        ResponseFuzzing.exchange(new MbapTransport(link, Duration.ofMillis(1)), input);
    }
}
