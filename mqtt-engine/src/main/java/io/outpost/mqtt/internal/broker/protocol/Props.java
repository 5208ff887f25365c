package io.outpost.mqtt.internal.broker.protocol;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.MqttPropertyType;
import io.outpost.core.message.UserProperty;
import java.util.ArrayList;
import java.util.List;

/** Reads MQTT 5 properties decoded by netty. Stateless. */
final class Props {

    private Props() {
    }

    /** An integer property (unsigned 32-bit values come back as long), or null when absent. */
    static Long number(MqttProperties props, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props.getProperty(type.value());
        if (p == null || !(p.value() instanceof Integer i)) {
            return null;
        }
        return Integer.toUnsignedLong(i);
    }

    static long number(MqttProperties props, MqttPropertyType type, long absent) {
        Long v = number(props, type);
        return v == null ? absent : v;
    }

    static String string(MqttProperties props, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props.getProperty(type.value());
        return p != null && p.value() instanceof String s ? s : null;
    }

    static byte[] binary(MqttProperties props, MqttPropertyType type) {
        MqttProperties.MqttProperty<?> p = props.getProperty(type.value());
        return p != null && p.value() instanceof byte[] b ? b : null;
    }

    static boolean has(MqttProperties props, MqttPropertyType type) {
        return props.getProperty(type.value()) != null;
    }

    static List<UserProperty> userProperties(MqttProperties props) {
        List<? extends MqttProperties.MqttProperty> all = props.getProperties(MqttPropertyType.USER_PROPERTY.value());
        if (all.isEmpty()) {
            return List.of();
        }
        List<UserProperty> out = new ArrayList<>(all.size());
        for (MqttProperties.MqttProperty<?> p : all) {
            if (p.value() instanceof MqttProperties.StringPair pair) {
                out.add(new UserProperty(pair.key, pair.value));
            }
        }
        return out;
    }

    static void add(MqttProperties props, MqttPropertyType type, int value) {
        props.add(new MqttProperties.IntegerProperty(type.value(), value));
    }

    static void add(MqttProperties props, MqttPropertyType type, String value) {
        props.add(new MqttProperties.StringProperty(type.value(), value));
    }
}
