package io.outpost.mqtt.internal.broker.session;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.outpost.mqtt.internal.broker.auth.ClientIdentity;
import java.util.Objects;

/**
 * An authenticated, validated CONNECT, handed to the session registry.
 *
 * @param expirySeconds      the session expiry interval to use (already capped by the broker's limit)
 * @param will               the will, or null
 * @param connAckProperties  MQTT 5 CONNACK properties (assigned client id, limits); NO_PROPERTIES for 3.1.1
 * @param loop               the connection's event loop: a new session lives there, so that its packets need no
 *                           hand-over between threads
 * @param identity           who the client authenticated as: a persistent session belongs to this user
 */
public record ConnectRequest(ClientLink link, String clientId, boolean cleanStart, long expirySeconds, Will will,
                             MqttProperties connAckProperties, EventLoop loop, ClientIdentity identity) {

    public ConnectRequest {
        Objects.requireNonNull(link, "link");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(loop, "loop");
        Objects.requireNonNull(identity, "identity");
    }
}
