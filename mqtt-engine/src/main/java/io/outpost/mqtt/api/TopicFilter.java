package io.outpost.mqtt.api;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An MQTT topic filter: validation and matching as the MQTT 3.1.1 / 5.0 specifications define them
 * ({@code +} one level, {@code #} the rest including the parent level, and filters starting with a wildcard do not
 * match topics starting with {@code $}). Shared subscriptions ({@code $share/group/filter}) are unwrapped by
 * {@link #parseSubscription}. Immutable.
 */
public final class TopicFilter {

    private static final String SHARE_PREFIX = "$share/";

    private final String filter;
    private final String[] levels;

    private TopicFilter(String filter) {
        this.filter = filter;
        this.levels = filter.split("/", -1);
    }

    /**
     * Parses a filter.
     *
     * @throws IllegalArgumentException naming what is wrong, e.g. "'#' must be the last level"
     */
    public static TopicFilter parse(String filter) {
        String problem = problem(filter);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return new TopicFilter(filter);
    }

    /** Why a string is not a valid topic filter, or null when it is. */
    public static String problem(String filter) {
        Objects.requireNonNull(filter, "filter");
        if (filter.isEmpty()) {
            return "a topic filter must not be empty";
        }
        if (filter.getBytes(StandardCharsets.UTF_8).length > 65_535) {
            return "a topic filter must not be longer than 65535 bytes";
        }
        if (filter.indexOf('\u0000') >= 0) {
            return "a topic filter must not contain NUL";
        }
        String[] parts = filter.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String level = parts[i];
            if (level.contains("#") && (!level.equals("#") || i != parts.length - 1)) {
                return "'#' must be a whole level and the last one: " + filter;
            }
            if (level.contains("+") && !level.equals("+")) {
                return "'+' must be a whole level: " + filter;
            }
        }
        return null;
    }

    /** True when {@code topic} contains no wildcard and can be published to. */
    public static boolean isValidTopicName(String topic) {
        if (topic == null || topic.isEmpty()) {
            return false;
        }
        int n = topic.length();
        for (int i = 0; i < n; i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#' || c == '\u0000') {
                return false;
            }
        }
        // A char takes at most 3 UTF-8 bytes: only long topics need counting (no copy for the usual ones).
        return n * 3 <= 65_535 || topic.getBytes(StandardCharsets.UTF_8).length <= 65_535;
    }

    /** A subscription's filter: its share group (or null) and the filter proper. */
    public record Subscription(String shareGroup, TopicFilter filter) {
    }

    /** Parses {@code $share/group/filter} or a plain filter. */
    public static Subscription parseSubscription(String text) {
        if (text.startsWith(SHARE_PREFIX)) {
            int slash = text.indexOf('/', SHARE_PREFIX.length());
            if (slash < 0 || slash == SHARE_PREFIX.length()) {
                throw new IllegalArgumentException("a shared subscription is $share/{group}/{filter}: " + text);
            }
            String group = text.substring(SHARE_PREFIX.length(), slash);
            if (group.contains("+") || group.contains("#")) {
                throw new IllegalArgumentException("a share group name must not contain wildcards: " + text);
            }
            return new Subscription(group, parse(text.substring(slash + 1)));
        }
        return new Subscription(null, parse(text));
    }

    public boolean matches(String topic) {
        if (topic.startsWith("$") && (levels[0].equals("+") || levels[0].equals("#"))) {
            return false;
        }
        int start = 0;
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals("#")) {
                return true;
            }
            if (start > topic.length()) {
                return false;
            }
            int end = topic.indexOf('/', start);
            if (end < 0) {
                end = topic.length();
            }
            if (!level.equals("+") && !topic.regionMatches(start, level, 0, level.length())
                    || !level.equals("+") && end - start != level.length()) {
                return false;
            }
            start = end + 1;
        }
        return start == topic.length() + 1;
    }

    /**
     * True when every topic {@code other} matches is also matched by this filter ({@code site/#} covers
     * {@code site/+/level}; {@code +/x} does not cover {@code $SYS/x}). Used to grant subscriptions by ACL.
     */
    public boolean covers(TopicFilter other) {
        String[] mine = levels;
        String[] theirs = other.levels;
        boolean dollar = theirs[0].startsWith("$");
        for (int i = 0; i < mine.length; i++) {
            String level = mine[i];
            if (level.equals("#")) {
                return i <= theirs.length && !(i == 0 && dollar);
            }
            if (i >= theirs.length || theirs[i].equals("#")) {
                return false;
            }
            if (level.equals("+")) {
                if (i == 0 && dollar) {
                    return false;
                }
            } else if (!level.equals(theirs[i])) {
                return false;
            }
        }
        return mine.length == theirs.length;
    }

    /** The filter's levels (split at {@code /}); a copy. */
    public String[] levels() {
        return levels.clone();
    }

    public boolean hasWildcards() {
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    public String text() {
        return filter;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicFilter f && f.filter.equals(filter);
    }

    @Override
    public int hashCode() {
        return filter.hashCode();
    }

    @Override
    public String toString() {
        return filter;
    }
}
