package io.outpost.mqtt.bridge.config;

/** The MQTT protocol level an upstream speaks. */
public enum MqttProtocol {
    V3_1_1("3.1.1"),
    V5("5");

    private final String text;

    MqttProtocol(String text) {
        this.text = text;
    }

    /** As written in the configuration: {@code 3.1.1} or {@code 5}. */
    public String text() {
        return text;
    }
}
