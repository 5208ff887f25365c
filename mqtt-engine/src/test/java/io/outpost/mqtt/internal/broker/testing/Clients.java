package io.outpost.mqtt.internal.broker.testing;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;

/** HiveMQ MQTT clients (an independent implementation) connected to a test broker. */
public final class Clients {

    private Clients() {
    }

    public static Mqtt5BlockingClient v5(int port, String id) {
        Mqtt5BlockingClient c = builder5(port, id).buildBlocking();
        c.connect();
        return c;
    }

    public static com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder builder5(int port, String id) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port);
    }

    public static Mqtt3BlockingClient v3(int port, String id) {
        Mqtt3BlockingClient c = builder3(port, id).buildBlocking();
        c.connect();
        return c;
    }

    public static com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder builder3(int port, String id) {
        return MqttClient.builder().useMqttVersion3().identifier(id).serverHost("127.0.0.1").serverPort(port);
    }
}
