package io.outpost.adapter.bacnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.serotonin.bacnet4j.LocalDevice;
import com.serotonin.bacnet4j.npdu.ip.IpNetworkBuilder;
import com.serotonin.bacnet4j.npdu.ip.IpNetworkUtils;
import com.serotonin.bacnet4j.service.confirmed.SubscribeCOVRequest;
import com.serotonin.bacnet4j.service.unconfirmed.UnconfirmedCovNotificationRequest;
import com.serotonin.bacnet4j.transport.DefaultTransport;
import com.serotonin.bacnet4j.type.constructed.PropertyValue;
import com.serotonin.bacnet4j.type.constructed.SequenceOf;
import com.serotonin.bacnet4j.type.constructed.StatusFlags;
import com.serotonin.bacnet4j.type.enumerated.BinaryPV;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.type.primitive.Real;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import io.outpost.testing.FreePorts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * COV points poll only once an hour here, so every value that arrives within the test's patience came by COV
 * notification (or by the polling fallback where a test says so). Tests wait for a change to arrive rather than
 * for it to be the latest value: bacnet4j sends a subscription's first notification from another thread, and it
 * can overtake a change made right after the subscription.
 */
class BacnetCovIT extends SimulatorAndGateway {

    private static final String COV_POINTS = """
                  - {id: zone-temp, object: analog-input:1, cov: true, poll-interval: 1h}
                  - {id: fan, object: binary-output:1, cov: true, poll-interval: 1h}
            """;



    private void start(String deviceSettings, String points) throws Exception {
        sim = BacnetSimulator.builder().port(FreePorts.udp()).extraInputs(1).start();
        gateway = new GatewayUnderTest(Yaml.gateway(FreePorts.udp()) + Yaml.device("ahu", sim, deviceSettings, points)).start();
    }

    private void awaitSubscribed(int subscriptions) {
        await().atMost(GatewayUnderTest.PATIENCE).pollInterval(Duration.ofMillis(20))
                .until(() -> sim.covSubscriptions(BacnetSimulator.ZONE_TEMPERATURE) == subscriptions);
    }

    @Test
    void a_notification_from_another_address_than_the_devices_is_dropped_and_counted() throws Exception {
        int gatewayPort = FreePorts.udp();
        sim = BacnetSimulator.builder().port(FreePorts.udp()).start();
        gateway = new GatewayUnderTest(Yaml.gateway(gatewayPort) + Yaml.device("ahu", sim, "", COV_POINTS)).start();
        awaitSubscribed(1);
        UnsignedInteger processId = sim.requests(SubscribeCOVRequest.class).get(0).getSubscriberProcessIdentifier();

        // Another BACnet device on the network that knows the process id (a guessable hash) and the instance.
        LocalDevice forger = new LocalDevice(4194100, new DefaultTransport(new IpNetworkBuilder()
                .withLocalBindAddress("127.0.0.1").withPort(FreePorts.udp()).withBroadcast("127.0.0.1", 32).build()));
        forger.initialize();
        try {
            SequenceOf<PropertyValue> values = new SequenceOf<>(
                    new PropertyValue(PropertyIdentifier.presentValue, new Real(66.6f)),
                    new PropertyValue(PropertyIdentifier.statusFlags, new StatusFlags(false, false, false, false)));
            forger.send(IpNetworkUtils.toAddress("127.0.0.1", gatewayPort), new UnconfirmedCovNotificationRequest(
                    processId, new ObjectIdentifier(ObjectType.device, sim.instance()), BacnetSimulator.ZONE_TEMPERATURE,
                    new UnsignedInteger(300), values));

            // The gateway handles datagrams in order: once the device's own change is in, the forgery was handled.
            sim.set(BacnetSimulator.ZONE_TEMPERATURE, 23.4f);
            gateway.awaitPayload("site/ahu/zone-temp", p -> p.contains("23.4"));
            assertThat(gateway.payloads("site/ahu/zone-temp")).noneMatch(p -> p.contains("66.6"));
            assertThat(gateway.counter("outpost.bacnet.cov.foreign", "device", "ahu")).isEqualTo(1);
        } finally {
            forger.terminate();
        }
    }

    @Test
    void changes_arrive_by_unconfirmed_notification_without_polling() throws Exception {
        start("cov-check-interval: 30s", COV_POINTS);
        awaitSubscribed(1);
        assertThat(sim.confirmedCovSubscriptions(BacnetSimulator.ZONE_TEMPERATURE)).isZero();

        sim.set(BacnetSimulator.ZONE_TEMPERATURE, 23.4f);
        sim.set(BacnetSimulator.SUPPLY_FAN, BinaryPV.active);

        assertThat(gateway.awaitPayload("site/ahu/zone-temp", p -> p.contains("23.4"))).startsWith("{\"value\":23.4,\"quality\":\"good\"");
        assertThat(gateway.awaitPayload("site/ahu/fan", p -> p.contains("true"))).startsWith("{\"value\":true,\"quality\":\"good\"");
    }

    @Test
    void confirmed_notifications_are_acknowledged_and_delivered() throws Exception {
        start("cov-confirmed: true", COV_POINTS);
        awaitSubscribed(1);
        assertThat(sim.confirmedCovSubscriptions(BacnetSimulator.ZONE_TEMPERATURE)).isEqualTo(1);

        sim.set(BacnetSimulator.ZONE_TEMPERATURE, 19.8f);

        gateway.awaitPayload("site/ahu/zone-temp", p -> p.startsWith("{\"value\":19.8,"));
    }

    @Test
    void status_flags_in_a_notification_become_the_quality() throws Exception {
        start("", COV_POINTS);
        awaitSubscribed(1);

        sim.setOutOfService(BacnetSimulator.ZONE_TEMPERATURE, true);

        gateway.awaitPayload("site/ahu/zone-temp", p -> p.contains("\"quality\":\"uncertain\",\"reason\":\"out-of-service\""));
    }

    @Test
    void subscriptions_are_renewed_before_their_lifetime_runs_out() throws Exception {
        start("cov-lifetime: 10s\ncov-check-interval: 200ms", COV_POINTS);
        awaitSubscribed(1);

        // Renewed at half the lifetime: a third subscription request means the first lifetime has run out.
        await().atMost(GatewayUnderTest.PATIENCE).pollInterval(Duration.ofMillis(50))
                .until(() -> sim.requests(SubscribeCOVRequest.class).stream()
                        .filter(r -> r.getMonitoredObjectIdentifier().equals(BacnetSimulator.ZONE_TEMPERATURE)).count() >= 3);
        assertThat(sim.covSubscriptions(BacnetSimulator.ZONE_TEMPERATURE)).isEqualTo(1);
        sim.set(BacnetSimulator.ZONE_TEMPERATURE, 25.5f);
        gateway.awaitPayload("site/ahu/zone-temp", p -> p.startsWith("{\"value\":25.5,"));
    }

    @Test
    void an_object_without_cov_support_falls_back_to_polling() throws Exception {
        start("", """
                      - {id: sensor, object: analog-input:100, cov: true, poll-interval: 200ms}
                """);
        gateway.awaitPayload("site/ahu/sensor", p -> p.startsWith("{\"value\":0.0,"));
        await().atMost(GatewayUnderTest.PATIENCE)
                .until(() -> gateway.counter("outpost.bacnet.cov.subscriptions", "result", "refused") >= 1);

        sim.set(new com.serotonin.bacnet4j.type.primitive.ObjectIdentifier(
                com.serotonin.bacnet4j.type.enumerated.ObjectType.analogInput, BacnetSimulator.FIRST_EXTRA), 42f);

        gateway.awaitLatest("site/ahu/sensor", p -> p.startsWith("{\"value\":42.0,"));
    }

    @Test
    void after_a_device_restart_the_subscriptions_are_made_again() throws Exception {
        start("cov-check-interval: 200ms", COV_POINTS);
        awaitSubscribed(1);

        sim.restart();
        assertThat(sim.covSubscriptions(BacnetSimulator.ZONE_TEMPERATURE)).isZero();

        awaitSubscribed(1);
        sim.set(BacnetSimulator.ZONE_TEMPERATURE, 17.5f);
        gateway.awaitPayload("site/ahu/zone-temp", p -> p.startsWith("{\"value\":17.5,"));
    }

    @Test
    void while_the_device_is_down_its_cov_points_are_bad_and_come_back_when_it_is_back() throws Exception {
        start("cov-check-interval: 200ms", COV_POINTS);
        awaitSubscribed(1);
        gateway.awaitLatest("site/ahu/zone-temp", p -> p.contains("\"good\""));

        sim.powerOff();

        gateway.awaitLatest("site/ahu/zone-temp", p -> p.contains("\"quality\":\"bad\",\"reason\":\"timeout\""));
        gateway.awaitLatest("site/ahu/_status", p -> p.contains("\"state\":\"offline\""));

        sim.powerOn();
        awaitSubscribed(1);
        sim.set(BacnetSimulator.ZONE_TEMPERATURE, 20.5f);

        gateway.awaitPayload("site/ahu/zone-temp", p -> p.startsWith("{\"value\":20.5,\"quality\":\"good\""));
        gateway.awaitLatest("site/ahu/_status", p -> p.contains("\"state\":\"online\""));
    }
}
