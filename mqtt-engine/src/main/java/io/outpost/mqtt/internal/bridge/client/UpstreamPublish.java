package io.outpost.mqtt.internal.bridge.client;

import io.outpost.core.message.UserProperty;
import java.util.List;

/**
 * A PUBLISH the upstream sent (a reverse rule's subscription), copied off the network buffer so that it can cross
 * threads without reference counting.
 */
public record UpstreamPublish(String topic, byte[] payload, int qos, boolean retain, boolean dup, int packetId,
                             List<UserProperty> userProperties, Long messageExpirySeconds, String contentType,
                             String responseTopic, byte[] correlationData, boolean payloadFormatUtf8) {

    public UpstreamPublish {
        userProperties = List.copyOf(userProperties);
    }
}
