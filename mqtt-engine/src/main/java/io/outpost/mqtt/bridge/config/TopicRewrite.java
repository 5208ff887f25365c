package io.outpost.mqtt.bridge.config;

import io.outpost.core.config.TopicTemplate;
import io.outpost.mqtt.api.TopicFilter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Maps a topic matched by a rule's filter to the topic on the other side: a template with {@code {topic}} (the whole
 * matched topic), {@code {#}} (the levels the filter's trailing {@code #} matched), {@code {1}}..{@code {n}} (the
 * n-th wildcard's match) and the gateway's {@code {gateway}} and {@code {site}}; forward rules may also use
 * {@code {device}}, the device of the reading the message carries ({@link #NO_DEVICE} for other messages).
 * Immutable and thread-safe.
 *
 * <p>Examples with filter {@code north-field/#}: {@code sites/{topic}} adds a prefix, {@code plant-7/{#}} replaces
 * the first level.
 */
public final class TopicRewrite {

    /** What {@code {device}} becomes for a message that carries no reading (status messages, local clients'). */
    public static final String NO_DEVICE = "_gateway";

    private final TopicFilter filter;
    private final TopicTemplate template;
    private final String[] filterLevels;
    private final Map<String, String> constants;
    /** Whether the template uses what wildcards matched; most use only {topic} and constants. */
    private final boolean captures;

    private TopicRewrite(TopicFilter filter, TopicTemplate template, Map<String, String> constants) {
        this.filter = filter;
        this.template = template;
        this.filterLevels = filter.text().split("/", -1);
        this.constants = Map.copyOf(constants);
        this.captures = template.placeholders().stream()
                .anyMatch(p -> !p.equals("topic") && !p.equals("device") && !constants.containsKey(p));
    }

    /**
     * Reads a template for topics matched by {@code filter}.
     *
     * @throws IllegalArgumentException naming a bad placeholder and the allowed ones
     */
    public static TopicRewrite parse(String template, TopicFilter filter, String gatewayId, String site) {
        return parse(template, filter, gatewayId, site, false);
    }

    /** As {@link #parse(String, TopicFilter, String, String)}; {@code withDevice} allows {@code {device}}. */
    public static TopicRewrite parse(String template, TopicFilter filter, String gatewayId, String site,
                                     boolean withDevice) {
        Set<String> allowed = new LinkedHashSet<>();
        allowed.add("topic");
        String[] levels = filter.text().split("/", -1);
        int wildcard = 0;
        for (String level : levels) {
            if (level.equals("+") || level.equals("#")) {
                allowed.add(Integer.toString(++wildcard));
            }
        }
        if (levels[levels.length - 1].equals("#")) {
            allowed.add("#");
        }
        allowed.add("gateway");
        allowed.add("site");
        if (withDevice) {
            allowed.add("device");
        }
        return new TopicRewrite(filter, TopicTemplate.parse(template, allowed), Map.of("gateway", gatewayId, "site", site));
    }

    public TopicFilter filter() {
        return filter;
    }

    public String template() {
        return template.text();
    }

    /** True when the template names {@code {device}}. */
    public boolean usesDevice() {
        return template.placeholders().contains("device");
    }

    /** The rewritten topic, or null when {@code topic} does not match the filter or rewrites to an invalid name. */
    public String apply(String topic) {
        return apply(topic, NO_DEVICE);
    }

    /** As {@link #apply(String)}, with the device {@code {device}} stands for. */
    public String apply(String topic, String device) {
        if (!filter.matches(topic)) {
            return null;
        }
        Map<String, String> values = new HashMap<>(constants);
        values.put("topic", topic);
        values.put("device", device);
        if (!captures) {
            String out = template.expand(values);
            return TopicFilter.isValidTopicName(out) ? out : null;
        }
        String[] levels = topic.split("/", -1);
        int wildcard = 0;
        for (int i = 0; i < filterLevels.length; i++) {
            if (filterLevels[i].equals("+")) {
                values.put(Integer.toString(++wildcard), levels[i]);
            } else if (filterLevels[i].equals("#")) {
                // "a/#" also matches "a" itself: then the remainder is empty.
                String rest = i < levels.length ? String.join("/", Arrays.copyOfRange(levels, i, levels.length)) : "";
                values.put(Integer.toString(++wildcard), rest);
                values.put("#", rest);
            }
        }
        String out = template.expand(values);
        return TopicFilter.isValidTopicName(out) ? out : null;
    }

    @Override
    public String toString() {
        return filter + " -> " + template.text();
    }
}
