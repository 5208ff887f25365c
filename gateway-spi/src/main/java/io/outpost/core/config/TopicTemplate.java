package io.outpost.core.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A topic with placeholders in braces, such as {@code {site}/{device}/{point}}. Placeholders are checked when the
 * template is read; expansion then cannot fail on an unknown name.
 */
public final class TopicTemplate {

    private final String text;
    private final List<String> literals;
    private final List<String> names;

    private TopicTemplate(String text, List<String> literals, List<String> names) {
        this.text = text;
        this.literals = literals;
        this.names = names;
    }

    /**
     * Reads a template.
     *
     * @throws IllegalArgumentException with a sentence naming the bad placeholder and the allowed ones
     */
    public static TopicTemplate parse(String text, Set<String> allowed) {
        List<String> literals = new ArrayList<>();
        List<String> names = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '{') {
                int end = text.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("'{' at position " + (i + 1) + " is not closed by '}'");
                }
                String name = text.substring(i + 1, end);
                if (!allowed.contains(name)) {
                    throw new IllegalArgumentException("unknown placeholder {" + name + "}; allowed: "
                            + String.join(", ", allowed.stream().map(n -> "{" + n + "}").toList()));
                }
                literals.add(literal.toString());
                literal.setLength(0);
                names.add(name);
                i = end + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        literals.add(literal.toString());
        String check = String.join("", literals);
        if (check.contains("+") || check.contains("#")) {
            throw new IllegalArgumentException("a topic to publish to cannot contain the wildcards '+' or '#'");
        }
        return new TopicTemplate(text, List.copyOf(literals), List.copyOf(names));
    }

    public String expand(Map<String, String> values) {
        StringBuilder out = new StringBuilder(text.length() + 32);
        for (int i = 0; i < names.size(); i++) {
            out.append(literals.get(i)).append(values.getOrDefault(names.get(i), ""));
        }
        return out.append(literals.get(literals.size() - 1)).toString();
    }

    public Set<String> placeholders() {
        return new LinkedHashSet<>(names);
    }

    public String text() {
        return text;
    }

    /** Why {@code topic} cannot be published to, or null when it can. */
    public static String problemWithTopicName(String topic) {
        if (topic.isEmpty()) {
            return "the topic is empty";
        }
        if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            return "topic '" + topic + "' contains a wildcard ('+' or '#')";
        }
        if (topic.indexOf('\u0000') >= 0) {
            return "topic '" + topic + "' contains a NUL character";
        }
        if (topic.startsWith("$")) {
            return "topic '" + topic + "' starts with '$', which MQTT reserves for the broker";
        }
        if (topic.getBytes(StandardCharsets.UTF_8).length > 65_535) {
            return "topic is longer than MQTT's 65535 bytes";
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicTemplate t && t.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
