package io.outpost.mqtt.internal.bridge.testing;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.eclipse.tahu.protobuf.SparkplugBProto;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;

/**
 * A Sparkplug host application written independently of the gateway's encoder: HiveMQ's MQTT client, and Eclipse
 * Tahu's generated protobuf classes to read and write payloads. Records every Sparkplug message in arrival order.
 */
public final class SparkplugHost implements AutoCloseable {

    /** A Sparkplug message as the host decoded it. */
    public record Received(String topic, String type, String device, Payload payload) {
    }

    private final Mqtt5AsyncClient client;
    private final String hostId;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();

    private SparkplugHost(Mqtt5AsyncClient client, String hostId) {
        this.client = client;
        this.hostId = hostId;
    }

    public static SparkplugHost connect(int port, String hostId) {
        Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier("host-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(port).buildAsync();
        client.connectWith().cleanStart(true).send().orTimeout(10, TimeUnit.SECONDS).join();
        SparkplugHost host = new SparkplugHost(client, hostId);
        client.subscribeWith().topicFilter("spBv1.0/#").qos(MqttQos.AT_LEAST_ONCE).callback(host::record).send()
                .orTimeout(10, TimeUnit.SECONDS).join();
        return host;
    }

    private void record(Mqtt5Publish p) {
        String topic = p.getTopic().toString();
        String[] levels = topic.split("/");
        if (levels[1].equals("STATE")) {
            return;
        }
        try {
            received.add(new Received(topic, levels[2], levels.length > 4 ? levels[4] : null,
                    Payload.parseFrom(p.getPayloadAsBytes())));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("not a Sparkplug B payload on " + topic, e);
        }
    }

    /** Publishes this host's STATE (Sparkplug 3.0 JSON, retained). */
    public void state(boolean online) {
        String json = "{\"online\":" + online + ",\"timestamp\":" + System.currentTimeMillis() + "}";
        client.publishWith().topic("spBv1.0/STATE/" + hostId).qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload(json.getBytes(StandardCharsets.UTF_8)).send().orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Sends a command: NCMD to the node, or DCMD to one of its devices. */
    public void command(String topic, Payload.Metric metric) {
        Payload p = Payload.newBuilder().setTimestamp(System.currentTimeMillis()).addMetrics(metric).build();
        client.publishWith().topic(topic).qos(MqttQos.AT_MOST_ONCE).payload(p.toByteArray()).send()
                .orTimeout(10, TimeUnit.SECONDS).join();
    }

    public static Payload.Metric boolMetric(String name, boolean value) {
        return Payload.Metric.newBuilder().setName(name).setDatatype(SparkplugBProto.DataType.Boolean_VALUE)
                .setBooleanValue(value).build();
    }

    public static Payload.Metric doubleMetric(String name, double value) {
        return Payload.Metric.newBuilder().setName(name).setDatatype(SparkplugBProto.DataType.Double_VALUE)
                .setDoubleValue(value).build();
    }

    public static Payload.Metric stringMetric(String name, String value) {
        return Payload.Metric.newBuilder().setName(name).setDatatype(SparkplugBProto.DataType.String_VALUE)
                .setStringValue(value).build();
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** Waits for a message matching {@code what} and returns every message so far. */
    public List<Received> await(Predicate<Received> what, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> received.stream().anyMatch(what));
        return received();
    }

    @Override
    public void close() {
        client.disconnect().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
