package io.outpost.mqtt.internal.broker.session;

import io.netty.handler.codec.mqtt.MqttVersion;

/**
 * What a client said about itself in CONNECT that shapes what the broker sends it.
 *
 * @param receiveMaximum            QoS 1/2 messages it accepts unacknowledged (65535 when it did not say)
 * @param maximumPacketSize         largest packet it accepts (Integer.MAX_VALUE when it did not say)
 * @param topicAliasMaximum         topic aliases the broker may use towards it (0: none)
 * @param requestProblemInformation whether reason strings may be sent on acknowledgements
 */
public record ClientSettings(MqttVersion version, int receiveMaximum, int maximumPacketSize, int topicAliasMaximum,
                             boolean requestProblemInformation) {

    public boolean isV5() {
        return version == MqttVersion.MQTT_5;
    }
}
