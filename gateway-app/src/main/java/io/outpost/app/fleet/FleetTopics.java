package io.outpost.app.fleet;

import io.outpost.core.config.GatewayIdentity;

/**
 * The topics of one gateway under the fleet prefix ({@code outpost/<gateway>/} by default):
 * <pre>
 *   birth           gateway -> cloud  retained inventory; the fleet link's will sets it {"state":"offline"}
 *   config          cloud -> gateway  signed configuration envelope (QoS 1, retained)
 *   config/result   gateway -> cloud  one message per step of every attempt (QoS 1, the last one retained)
 *   cmd             cloud -> gateway  command requests (QoS 1)
 *   cmd/result      gateway -> cloud  command responses (QoS 1)
 * </pre>
 * and one topic for all: the prefix with {@code _all} for {@code {gateway}} and {@code {site}}, then
 * {@code discover}: any message there makes every gateway publish its birth and last result again (for brokers that
 * do not hand retained messages to wildcard subscriptions, or keep them per cluster node: RabbitMQ 3.x).
 * See docs/fleet.md.
 */
public record FleetTopics(String prefix) {

    public static FleetTopics of(String prefixTemplate, GatewayIdentity gateway) {
        return new FleetTopics(expand(prefixTemplate, gateway.id(), gateway.site()));
    }

    /** The prefix with {@code {gateway}} and {@code {site}} replaced. */
    public static String expand(String template, String gatewayId, String site) {
        return template.replace("{gateway}", gatewayId).replace("{site}", site);
    }

    /**
     * The filter matching a topic of every gateway: the prefix with {@code {gateway}} as {@code +} (and
     * {@code {site}} as {@code +}) followed by {@code suffix}.
     */
    public static String everyGateway(String template, String suffix) {
        return template.replace("{gateway}", "+").replace("{site}", "+") + suffix;
    }

    /**
     * The gateway id in a topic of {@code template} ({@code {gateway}} must be one whole level), or null when the
     * topic does not fit.
     */
    public static String gatewayOf(String template, String topic) {
        String[] want = template.split("/", -1);
        String[] got = topic.split("/", -1);
        String id = null;
        for (int i = 0; i < want.length - 1; i++) {
            if (i >= got.length) {
                return null;
            }
            if (want[i].equals("{gateway}")) {
                id = got[i];
            } else if (!want[i].equals("{site}") && !want[i].equals(got[i])) {
                return null;
            }
        }
        return id;
    }

    /** The topic every gateway listens on for inventory requests. */
    public static String discover(String template) {
        return template.replace("{gateway}", "_all").replace("{site}", "_all") + "discover";
    }

    public String birth() {
        return prefix + "birth";
    }

    public String config() {
        return prefix + "config";
    }

    public String configResult() {
        return prefix + "config/result";
    }

    public String command() {
        return prefix + "cmd";
    }

    public String commandResult() {
        return prefix + "cmd/result";
    }
}
