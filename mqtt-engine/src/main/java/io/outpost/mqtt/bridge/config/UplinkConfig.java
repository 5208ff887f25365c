package io.outpost.mqtt.bridge.config;

import java.util.List;
import java.util.Optional;

/**
 * An upstream's uplink economy settings. Immutable.
 *
 * @param sparkplug    the Sparkplug B identity when the upstream is in {@code mode: sparkplug}, else null
 * @param dictionaries the zstd dictionaries its forward rules name
 * @param will         the will and birth of the connection, or null for none
 * @param topicAliases use MQTT 5 topic aliases up to the server's Topic Alias Maximum
 */
public record UplinkConfig(SparkplugConfig sparkplug, List<ZstdDictionary> dictionaries, WillConfig will,
                           boolean topicAliases) {

    public static final UplinkConfig DEFAULTS = new UplinkConfig(null, List.of(), null, true);

    public UplinkConfig {
        dictionaries = List.copyOf(dictionaries);
    }

    public boolean sparkplugMode() {
        return sparkplug != null;
    }

    public Optional<ZstdDictionary> dictionary(int id) {
        return dictionaries.stream().filter(d -> d.id() == id).findFirst();
    }
}
