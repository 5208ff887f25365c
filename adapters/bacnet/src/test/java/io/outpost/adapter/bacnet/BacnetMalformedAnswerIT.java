package io.outpost.adapter.bacnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import io.outpost.adapter.bacnet.stack.BacnetStack;
import io.outpost.testing.FreePorts;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Answers and notifications that bacnet4j 1.3.0-beta1 decodes forever, on the one thread that serves every BACnet
 * device of the gateway. Before the gateway checked them, the first one stopped its BACnet stack for good: no
 * device was read again. Now the points an answer concerns are bad with {@code malformed-answer} at once, the
 * device's other points and the other devices are read, and the operator gets one log line; a notification of
 * that kind is dropped.
 *
 * <p>Device "ahu" is reached through someone in the middle ({@link TamperingRelay}) who answers every read of
 * analog-value 1 (the setpoint) with the open fuzzing finding: a present value holding a context tag of 15 bytes,
 * which bacnet4j takes for an opening tag. Device "plant" is another simulator, reached directly.
 */
class BacnetMalformedAnswerIT extends SimulatorAndGateway {

    /** The value of the finding crash-0e2bde97..., as the present value of analog-value 1. */
    private static final String VALUE = "f8c80d0fff2200ffff22ff0d0dfff1c8c80000cb820640";
    private static final String READ_PROPERTY_MULTIPLE_ANSWER = "0c008000011e29554e" + VALUE + "4f1f";
    private static final String READ_PROPERTY_ANSWER = "0c0080000119553e" + VALUE + "3f";
    private static final byte[] SETPOINT = {0x00, (byte) 0x80, 0x00, 0x01};
    private static final String POINTS = """
                  - {id: zone-temp, object: analog-input:1}
                  - {id: setpoint, object: analog-value:1}
            """;

    private BacnetSimulator plant;
    private TamperingRelay relay;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger stackLog = (Logger) LoggerFactory.getLogger(BacnetStack.class);

    @BeforeEach
    void captureTheStacksLog() {
        log.start();
        stackLog.addAppender(log);
    }

    @AfterEach
    void stopTheGatewayWithinADeadlineThenTheOthers() throws InterruptedException {
        stackLog.detachAppender(log);
        if (gateway != null) {
            // A BACnet stack stuck in a decode cannot stop either (bacnet4j joins its thread): fail, don't hang.
            GatewayUnderTest stopping = gateway;
            gateway = null;
            Thread closing = new Thread(stopping::close, "close-gateway");
            closing.setDaemon(true);
            closing.start();
            closing.join(GatewayUnderTest.PATIENCE.toMillis());
            assertThat(closing.isAlive()).as("the gateway still stopping after %s", GatewayUnderTest.PATIENCE).isFalse();
        }
        if (relay != null) {
            relay.close();
        }
        if (plant != null) {
            plant.close();
        }
    }

    @Test
    void the_finding_is_kept_among_the_fuzz_inputs() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/io/outpost/adapter/bacnet/read/BacnetValueFuzzTestInputs/"
                + "anyDecodedValue_becomesAPointValueAndAQuality/crash-0e2bde97cd35911874e269bec0efedeee9e94ce1")) {
            assertThat(in).isNotNull();
            assertThat(HexFormat.of().formatHex(in.readAllBytes())).isEqualTo(READ_PROPERTY_MULTIPLE_ANSWER);
        }
    }

    @Test
    void a_malformed_answer_marks_its_points_bad_at_once_and_every_device_keeps_being_read() throws Exception {
        start(false);

        assertThat(gateway.awaitLatest("site/ahu/setpoint", p -> p.contains("malformed-answer")))
                .contains("\"quality\":\"bad\",\"reason\":\"malformed-answer\"");
        assertThat(gateway.awaitPayload("site/ahu/zone-temp", p -> true)).startsWith("{\"value\":21.5,\"quality\":\"good\"");
        assertEveryDeviceKeepsBeingRead();
        // At once: the device answered, so its request failed without waiting for retries and timeouts.
        assertThat(gateway.payloads("site/ahu/setpoint")).noneMatch(p -> p.contains("timeout"));
        assertThat(gateway.payloads("site/ahu/_status")).noneMatch(p -> p.contains("offline"));
        assertOneWarningAfterManyMalformedAnswers();
    }

    @Test
    void a_malformed_answer_in_segments_is_refused_once_its_segments_are_together() throws Exception {
        start(true);

        assertThat(gateway.awaitLatest("site/ahu/setpoint", p -> p.contains("malformed-answer")))
                .contains("\"quality\":\"bad\",\"reason\":\"malformed-answer\"");
        assertEveryDeviceKeepsBeingRead();
        assertThat(gateway.payloads("site/ahu/setpoint")).noneMatch(p -> p.contains("timeout"));
    }

    @Test
    void notifications_that_anyone_can_send_and_bacnet4j_would_decode_forever_are_dropped() throws Exception {
        int gatewayPort = FreePorts.udp();
        sim = BacnetSimulator.builder().port(FreePorts.udp()).start();
        gateway = new GatewayUnderTest(Yaml.gateway(gatewayPort)
                + Yaml.device("ahu", sim, "poll-interval: 200ms", "      - {id: zone-temp, object: analog-input:1}\n")).start();
        gateway.awaitPayload("site/ahu/zone-temp", p -> p.contains("21.5"));

        try (DatagramSocket forger = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            // An unconfirmed COV notification with the finding's value, which the guard refuses...
            send(forger, gatewayPort, "0901" + "1c02000001" + "2c00800001" + "3900" + "4e09552e" + VALUE + "2f4f");
            // ...and one that is well formed tag by tag: its [1] of 60 bytes, which bacnet4j reads as a 4-byte
            // object identifier, holds a notification with that value; the bound on bacnet4j's reads ends it.
            send(forger, gatewayPort, "0901" + "1d3c" + "02000001" + "2c00800001" + "3900" + "4e09552e" + VALUE
                    + "2f4f" + "00".repeat(20) + "2c00800001" + "3900" + "4e4f");
        }

        // The gateway handles datagrams in order: a change read after them shows they did not stop it.
        sim.set(BacnetSimulator.ZONE_TEMPERATURE, 23.4f);
        gateway.awaitPayload("site/ahu/zone-temp", p -> p.contains("23.4"));
    }

    private void start(boolean segmented) throws Exception {
        sim = BacnetSimulator.builder().port(FreePorts.udp()).start();
        plant = BacnetSimulator.builder().instance(1002).port(FreePorts.udp()).start();
        int relayPort = FreePorts.udp();
        relay = new TamperingRelay(relayPort, sim.port(), SETPOINT, HexFormat.of().parseHex(READ_PROPERTY_MULTIPLE_ANSWER),
                HexFormat.of().parseHex(READ_PROPERTY_ANSWER), segmented);
        gateway = new GatewayUnderTest(Yaml.gateway(FreePorts.udp())
                + Yaml.device("ahu", sim.instance(), relayPort, "poll-interval: 200ms", POINTS)
                + Yaml.device("plant", plant, "poll-interval: 200ms", "      - {id: zone-temp, object: analog-input:1}\n"))
                .start();
    }

    /** Values that change on either device after the malformed answers arrive at the gateway. */
    private void assertEveryDeviceKeepsBeingRead() {
        plant.set(BacnetSimulator.ZONE_TEMPERATURE, 23.4f);
        sim.set(BacnetSimulator.ZONE_TEMPERATURE, 22.3f);
        gateway.awaitPayload("site/plant/zone-temp", p -> p.contains("23.4"));
        gateway.awaitPayload("site/ahu/zone-temp", p -> p.contains("22.3"));
    }

    private void assertOneWarningAfterManyMalformedAnswers() {
        int seen = relay.replaced();
        await().atMost(GatewayUnderTest.PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> relay.replaced() >= seen + 10);
        List<String> warnings;
        synchronized (log.list) {
            warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
        assertThat(warnings).hasSize(1).first().asString()
                .startsWith("device 1001 at ").contains(" sent an answer that the gateway refuses to decode")
                .contains("malformed-answer")
                .contains("context tag [0] of 15 bytes inside a constructed value");
    }

    private static void send(DatagramSocket socket, int port, String unconfirmedCovNotification) throws Exception {
        byte[] apdu = HexFormat.of().parseHex("1002" + unconfirmedCovNotification);
        byte[] datagram = new byte[6 + apdu.length];
        datagram[0] = (byte) 0x81; // BVLC: BACnet/IP, original unicast NPDU
        datagram[1] = 0x0A;
        datagram[2] = (byte) (datagram.length >> 8);
        datagram[3] = (byte) datagram.length;
        datagram[4] = 0x01; // NPDU version, no addresses
        System.arraycopy(apdu, 0, datagram, 6, apdu.length);
        socket.send(new DatagramPacket(datagram, datagram.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
    }
}
