package io.outpost.app;

import io.outpost.core.config.GatewayConfig;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.mqtt.api.LocalBroker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The gateway's own retained status, {@code {"state":"online","gateway":"pump-7","version":"0.1.0","since":...}},
 * on {@code publish.gateway-status-topic}: published locally, and upstream by whatever forward rule matches it.
 */
final class GatewayStatus {

    private final LocalBroker broker;
    private final String topic;
    private final String gatewayId;
    private final String version;
    private final Clock clock;

    GatewayStatus(LocalBroker broker, GatewayConfig config, String version, Clock clock) {
        this.broker = broker;
        this.topic = config.publish().gatewayStatusTopic(config.gateway());
        this.gatewayId = config.gateway().id();
        this.version = version;
        this.clock = clock;
    }

    String topic() {
        return topic;
    }

    CompletionStage<Void> online() {
        return publish("online");
    }

    CompletionStage<Void> offline() {
        return publish("offline");
    }

    private CompletionStage<Void> publish(String state) {
        long now = clock.millis();
        byte[] payload = ("{\"state\":\"" + state + "\",\"gateway\":\"" + gatewayId + "\",\"version\":\"" + version
                + "\",\"since\":" + now + "}").getBytes(StandardCharsets.UTF_8);
        return broker.publish(Message.of(new MessageHeader(topic, 1, true,
                MessageProperties.JSON, Message.ORIGIN_GATEWAY), payload, now));
    }
}
