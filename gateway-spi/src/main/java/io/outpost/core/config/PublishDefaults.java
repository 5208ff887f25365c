package io.outpost.core.config;

import java.time.Duration;

/**
 * The {@code publish:} section: defaults for every point, which devices and points override.
 *
 * @param topic              template of a point's topic, e.g. {@code {site}/{device}/{point}}
 * @param commandTopic       template of a writable point's command topic; {@code {topic}} is the point's topic
 * @param commandResultTopic template of where command results go when the command names no response topic
 * @param statusTopic        template of a device's status topic
 * @param heartbeat          default heartbeat, or null for none
 * @param gatewayStatusTopic template of the gateway's own retained online/offline status
 */
public record PublishDefaults(
        TopicTemplate topic,
        int qos,
        boolean retain,
        String format,
        Duration heartbeat,
        TopicTemplate commandTopic,
        TopicTemplate commandResultTopic,
        TopicTemplate statusTopic,
        TopicTemplate gatewayStatusTopic) {

    /** The expanded topic of the gateway's own retained online/offline status. */
    public String gatewayStatusTopic(GatewayIdentity gateway) {
        return gatewayStatusTopic.expand(java.util.Map.of("site", gateway.site(), "gateway", gateway.id()));
    }
}
