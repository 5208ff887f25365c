package io.outpost.mqtt.internal.bridge.testing;

import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An independent MQTT 5 client (HiveMQ's) at the cloud broker: subscribes and records every message that arrives,
 * in arrival order, so tests count at the cloud side what the bridge delivered.
 */
public final class CloudClient implements AutoCloseable {

    /** A message as the cloud saw it. */
    public record Received(String topic, String payload, int qos, boolean retain, Map<String, String> userProperties,
                           byte[] raw) {

        /** The bridge's stable id, or null. */
        public String messageId() {
            return userProperties.get("oid");
        }
    }

    private final Mqtt5AsyncClient client;
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final Set<String> payloads = ConcurrentHashMap.newKeySet();

    private CloudClient(Mqtt5AsyncClient client) {
        this.client = client;
    }

    public static CloudClient connect(int port) {
        Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier("cloud-" + UUID.randomUUID())
                .serverHost("127.0.0.1").serverPort(port).buildAsync();
        client.connectWith().cleanStart(true).send().orTimeout(10, TimeUnit.SECONDS).join();
        return new CloudClient(client);
    }

    /** Subscribes; messages from now on are recorded. */
    public CloudClient subscribe(String filter, int qos) {
        client.subscribeWith().topicFilter(filter).qos(MqttQos.fromCode(qos)).callback(this::record).send()
                .orTimeout(10, TimeUnit.SECONDS).join();
        return this;
    }

    private void record(Mqtt5Publish p) {
        Map<String, String> props = new LinkedHashMap<>();
        p.getUserProperties().asList().forEach(u -> props.put(u.getName().toString(), u.getValue().toString()));
        byte[] raw = p.getPayloadAsBytes();
        Received r = new Received(p.getTopic().toString(), new String(raw, StandardCharsets.UTF_8),
                p.getQos().getCode(), p.isRetain(), props, raw);
        received.add(r);
        payloads.add(r.payload());
        count.incrementAndGet();
    }

    public void publish(String topic, String payload, int qos) {
        client.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).payload(payload.getBytes(StandardCharsets.UTF_8))
                .send().orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Publishes with an MQTT 5 response topic. */
    public void publish(String topic, String payload, int qos, String responseTopic) {
        client.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).payload(payload.getBytes(StandardCharsets.UTF_8))
                .responseTopic(responseTopic).send().orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Publishes with QoS 1 and returns the PUBACK's reason code (0 when accepted). */
    public int publishQos1(String topic, String payload) {
        try {
            Mqtt5PublishResult r = client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
                    .payload(payload.getBytes(StandardCharsets.UTF_8)).send().orTimeout(10, TimeUnit.SECONDS).join();
            return r instanceof Mqtt5PublishResult.Mqtt5Qos1Result q ? q.getPubAck().getReasonCode().getCode() : 0;
        } catch (CompletionException e) {
            if (e.getCause() instanceof Mqtt5PubAckException refused) {
                return refused.getMqttMessage().getReasonCode().getCode();
            }
            throw e;
        }
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    public int count() {
        return count.get();
    }

    /** How many different payloads arrived (duplicates counted once). */
    public int distinctPayloads() {
        return payloads.size();
    }

    /** Waits until at least {@code n} messages arrived. */
    public List<Received> awaitCount(int n, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> count.get() >= n);
        return received();
    }

    @Override
    public void close() {
        client.disconnect().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
