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
 * @param replayShare  percent of the link a replayed backlog gets while live data waits (100: backlog first)
 * @param budget       the byte budget, or null for none
 */
public record UplinkConfig(SparkplugConfig sparkplug, List<ZstdDictionary> dictionaries, WillConfig will,
                           boolean topicAliases, int replayShare, BudgetConfig budget) {

    public static final int DEFAULT_REPLAY_SHARE = 30;

    public UplinkConfig {
        dictionaries = List.copyOf(dictionaries);
        if (replayShare < 1 || replayShare > 100) {
            throw new IllegalArgumentException("replayShare must be between 1 and 100, found " + replayShare);
        }
    }

    public boolean sparkplugMode() {
        return sparkplug != null;
    }

    public Optional<ZstdDictionary> dictionary(int id) {
        return dictionaries.stream().filter(d -> d.id() == id).findFirst();
    }
}
