package io.outpost.core.message;

import java.util.List;

/**
 * A message that arrived on a command topic (a write request for a point), with the MQTT 5 request/response
 * properties when the sender gave them.
 */
public record CommandMessage(String topic, byte[] payload, String responseTopic, byte[] correlationData,
                             List<UserProperty> userProperties) {

    public CommandMessage {
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
    }

    public static CommandMessage of(String topic, byte[] payload) {
        return new CommandMessage(topic, payload, null, null, List.of());
    }
}
