package io.outpost.adapter.modbus.transport;

import static io.outpost.adapter.modbus.testing.MisbehavingServer.mbap;
import static io.outpost.adapter.modbus.testing.MisbehavingServer.registersPdu;
import static io.outpost.adapter.modbus.testing.MisbehavingServer.rtuFrame;
import static io.outpost.adapter.modbus.testing.ModbusConfigs.device;
import static io.outpost.adapter.modbus.testing.ModbusConfigs.tcpDevice;
import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.adapter.modbus.testing.AdapterRig;
import io.outpost.adapter.modbus.testing.MisbehavingServer;
import io.outpost.adapter.modbus.testing.MisbehavingServer.Request;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.spi.DeviceException;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A device that answers with broken frames fails that request with a reason; the adapter neither crashes nor
 * hangs, and the next good answer is read correctly.
 */
class MalformedFramesIT {

    private static final String POINTS = "- {id: a, address: 40001, type: uint16}";

    /** A correct answer: register 40001 holds 1234. */
    private static final Function<Request, byte[]> GOOD = r -> mbap(r.transactionId(), r.unit(), registersPdu(3, 1234));

    private static void assertFailsThenRecovers(Function<Request, byte[]> bad, String reason) throws Exception {
        try (MisbehavingServer server = new MisbehavingServer(false, bad);
             AdapterRig rig = new AdapterRig(device(tcpDevice(server.port(), "", POINTS)))) {
            Throwable failure = rig.readFailure();
            assertThat(failure).isInstanceOf(DeviceException.class);
            assertThat(((DeviceException) failure).reason()).isEqualTo(reason);
            server.script(GOOD);
            assertThat(rig.read().get("a").value()).isEqualTo(Value.of(1234L));
        }
    }

    @Test
    void wrongTransactionId_failsAsMalformed() throws Exception {
        assertFailsThenRecovers(r -> mbap(r.transactionId() + 7, r.unit(), registersPdu(3, 1)), "malformed-frame");
    }

    @Test
    void lengthFieldLongerThanTheFrame_failsAsMalformedWithoutHanging() throws Exception {
        assertFailsThenRecovers(r -> mbap(r.transactionId(), 0, 20, r.unit(), registersPdu(3, 1)), "malformed-frame");
    }

    @Test
    void lengthFieldShorterThanTheFrame_failsAsMalformed() throws Exception {
        assertFailsThenRecovers(r -> mbap(r.transactionId(), 0, 3, r.unit(), registersPdu(3, 1)), "malformed-frame");
    }

    @Test
    void impossibleLengthField_failsAsMalformed() throws Exception {
        assertFailsThenRecovers(r -> mbap(r.transactionId(), 0, 4000, r.unit(), registersPdu(3, 1)), "malformed-frame");
    }

    @Test
    void otherProtocolId_failsAsMalformed() throws Exception {
        assertFailsThenRecovers(r -> mbap(r.transactionId(), 1, 6, r.unit(), registersPdu(3, 1)), "malformed-frame");
    }

    @Test
    void garbage_failsAsMalformed() throws Exception {
        assertFailsThenRecovers(r -> "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(), "malformed-frame");
    }

    @Test
    void byteCountThatDoesNotMatchTheRequest_failsAsMalformed() throws Exception {
        assertFailsThenRecovers(r -> mbap(r.transactionId(), r.unit(), registersPdu(3, 1, 2, 3)), "malformed-frame");
    }

    @Test
    void answerFromAnotherUnit_failsAsMalformed() throws Exception {
        assertFailsThenRecovers(r -> mbap(r.transactionId(), r.unit() + 1, registersPdu(3, 1)), "malformed-frame");
    }

    @Test
    void otherFunctionCode_failsAsMalformed() throws Exception {
        assertFailsThenRecovers(r -> mbap(r.transactionId(), r.unit(), registersPdu(4, 1)), "malformed-frame");
    }

    @Test
    void silence_failsAsTimeout() throws Exception {
        assertFailsThenRecovers(r -> null, "timeout");
    }

    @Test
    void connectionClosedOnEveryRequest_failsAsCommLostAndReconnects() throws Exception {
        try (MisbehavingServer server = new MisbehavingServer(false, GOOD);
             AdapterRig rig = new AdapterRig(device(tcpDevice(server.port(), "", POINTS)))) {
            assertThat(rig.read().get("a").value()).isEqualTo(Value.of(1234L));
            server.dropClients();
            assertThat(rig.read().get("a").value()).as("one reconnect inside the read").isEqualTo(Value.of(1234L));
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void exceptionAnswer_marksThePointWithTheCode() throws Exception {
        try (MisbehavingServer server = new MisbehavingServer(false,
                r -> mbap(r.transactionId(), r.unit(), new byte[] {(byte) 0x83, 0x04}));
             AdapterRig rig = new AdapterRig(device(tcpDevice(server.port(), "", POINTS)))) {
            Map<String, Sample> read = rig.read();
            assertThat(read.get("a").quality().reason()).isEqualTo("device-exception:04");
        }
    }

    @Test
    void gatewayTargetFailed_givesUpOnThatUnitOnly() throws Exception {
        try (MisbehavingServer server = new MisbehavingServer(false, r -> r.unit() == 2
                ? mbap(r.transactionId(), r.unit(), new byte[] {(byte) 0x83, 0x0B})
                : mbap(r.transactionId(), r.unit(), registersPdu(3, new int[r.quantity()])));
             AdapterRig rig = new AdapterRig(device(tcpDevice(server.port(), "max-gap: 0", """
                     - {id: a, address: 40001, type: uint16}
                     - {id: b, address: 40001, type: uint16, unit-id: 2}
                     - {id: c, address: 40010, type: uint16, unit-id: 2}
                     """)))) {
            Map<String, Sample> read = rig.read();
            assertThat(read.get("a").quality().isGood()).isTrue();
            assertThat(read.get("b").quality().reason()).isEqualTo("device-exception:0B");
            assertThat(read.get("c").quality().reason()).isEqualTo("device-exception:0B");
            assertThat(rig.requestsSent()).as("unit 2's second request is not sent").isEqualTo(2);
        }
    }

    // ------------------------------------------------------------------ RTU over TCP

    private static final Function<Request, byte[]> RTU_GOOD = r -> rtuFrame(r.unit(), registersPdu(3, 1234), false);

    private static void assertRtuFailsThenRecovers(Function<Request, byte[]> bad, String reason) throws Exception {
        try (MisbehavingServer server = new MisbehavingServer(true, bad);
             AdapterRig rig = new AdapterRig(device(tcpDevice(server.port(), "", POINTS)
                     .replace("transport: tcp", "transport: rtu-over-tcp")))) {
            Throwable failure = rig.readFailure();
            assertThat(((DeviceException) failure).reason()).isEqualTo(reason);
            server.script(RTU_GOOD);
            assertThat(rig.read().get("a").value()).isEqualTo(Value.of(1234L));
        }
    }

    @Test
    void rtu_wrongCrc_failsAsCrcError() throws Exception {
        assertRtuFailsThenRecovers(r -> rtuFrame(r.unit(), registersPdu(3, 1), true), "crc-error");
    }

    @Test
    void rtu_truncatedFrame_failsAsMalformed() throws Exception {
        assertRtuFailsThenRecovers(r -> java.util.Arrays.copyOf(rtuFrame(r.unit(), registersPdu(3, 1), false), 4),
                "malformed-frame");
    }

    @Test
    void rtu_garbage_failsAsMalformed() throws Exception {
        assertRtuFailsThenRecovers(r -> new byte[] {0x01, 0x77, 0x55, 0x55, 0x55}, "malformed-frame");
    }

    @Test
    void rtu_answerFromAnotherUnit_failsAsMalformed() throws Exception {
        assertRtuFailsThenRecovers(r -> rtuFrame(r.unit() + 1, registersPdu(3, 1), false), "malformed-frame");
    }

    @Test
    void rtu_byteCountBeyondTheFrameLimit_failsAsMalformedAndResyncs() throws Exception {
        // Issue 15, finding 15: 252-255 made a frame longer than the 256-byte buffer.
        for (int byteCount = 252; byteCount <= 255; byteCount++) {
            byte[] pdu = new byte[2 + byteCount];
            pdu[0] = 3;
            pdu[1] = (byte) byteCount;
            assertRtuFailsThenRecovers(r -> rtuFrame(r.unit(), pdu, false), "malformed-frame");
        }
    }

    @Test
    void rtu_lateAnswerAfterATimeout_isNotTakenForTheNextAnswer() throws Exception {
        int[] calls = {0};
        try (MisbehavingServer server = new MisbehavingServer(true, r -> calls[0]++ == 0 ? null
                : rtuFrame(r.unit(), registersPdu(3, 1234), false));
             AdapterRig rig = new AdapterRig(device(tcpDevice(server.port(), "", POINTS)
                     .replace("transport: tcp", "transport: rtu-over-tcp")))) {
            assertThat(((DeviceException) rig.readFailure()).reason()).isEqualTo("timeout");
            assertThat(rig.read().get("a").value()).isEqualTo(Value.of(1234L));
        }
    }
}
