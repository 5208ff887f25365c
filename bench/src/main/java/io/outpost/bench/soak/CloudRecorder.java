package io.outpost.bench.soak;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientConnectedContext;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cloud-side consumer of the soak: an MQTT 5 client written independently of ours (HiveMQ's), with a
 * persistent session at the cloud broker ({@code clean start} off, one day of session expiry) so that messages
 * queued for it while it is away (the cloud broker restarting) reach it afterwards, and QoS 2 messages reach it
 * exactly once. Reconnects by itself. Every message goes into the {@link Ledger}.
 */
public final class CloudRecorder implements AutoCloseable {

    private final Mqtt5AsyncClient client;
    private final Ledger ledger;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong sessionsLost = new AtomicLong();

    public CloudRecorder(int port, Ledger ledger) {
        this.ledger = ledger;
        this.client = MqttClient.builder().useMqttVersion5().identifier("soak-cloud-consumer")
                .serverHost("127.0.0.1").serverPort(port)
                .automaticReconnect().initialDelay(200, TimeUnit.MILLISECONDS).maxDelay(2, TimeUnit.SECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(c -> {
                    // After the first connection, a session the broker did not keep means it lost what it had queued.
                    if (connections.incrementAndGet() > 1 && c instanceof Mqtt5ClientConnectedContext m5
                            && !m5.getConnAck().isSessionPresent()) {
                        sessionsLost.incrementAndGet();
                    }
                })
                .buildAsync();
        client.publishes(MqttGlobalPublishFilter.ALL, this::record);
    }

    /** Connects and subscribes to everything the bridge forwards ({@code cloud/#}, QoS 2). */
    public CloudRecorder start() {
        client.connectWith().cleanStart(false).sessionExpiryInterval(86_400).send().orTimeout(30, TimeUnit.SECONDS).join();
        client.subscribeWith().topicFilter("cloud/#").qos(MqttQos.EXACTLY_ONCE).send().orTimeout(30, TimeUnit.SECONDS)
                .join();
        return this;
    }

    private void record(Mqtt5Publish p) {
        String oid = null;
        for (var u : p.getUserProperties().asList()) {
            if (u.getName().toString().equals("oid")) {
                oid = u.getValue().toString();
            }
        }
        ledger.received(p.getTopic().toString(), new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8),
                p.getQos().getCode(), p.isRetain(), oid);
    }

    /** Reconnections after which the cloud broker had not kept this consumer's session. */
    public long sessionsLost() {
        return sessionsLost.get();
    }

    @Override
    public void close() {
        client.disconnect().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
