package io.outpost.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A read-only view of one node of the YAML file that knows where it is (file, line, column, YAML path) and reports
 * mistakes to the file's {@link ConfigProblems} instead of throwing, so that one load finds every mistake.
 *
 * <p>Every key a reader asks for, present or not, becomes a known key of the node. After the core and the adapter
 * have read a node, {@link #rejectUnknownKeys()} reports the keys nobody asked for, with a suggestion. Getters that
 * find a mistake report it and return the default, so parsing carries on.
 *
 * <p>Not thread-safe: a config is loaded on one thread.
 */
public final class ConfigNode {

    private static final String MERGE_KEY = "<<";

    private final Node node;
    private final String file;
    // One per file, shared by every node: a valid file is read without line marks (see ConfigLoader.parse), and a
    // large site has a place for every point.
    private final SourceMark fileMark;
    private final String path;
    private final SourceMark fallbackMark;
    private final ConfigProblems problems;
    private final Interpolator interpolator;
    private final Map<String, NodeTuple> entries;
    private final Set<String> knownKeys = new LinkedHashSet<>();
    private boolean unknownKeysIgnored;

    private ConfigNode(Node node, String file, SourceMark fileMark, String path, SourceMark fallbackMark,
                       ConfigProblems problems, Interpolator interpolator) {
        this.node = node;
        this.file = file;
        this.fileMark = fileMark;
        this.path = path;
        this.fallbackMark = fallbackMark;
        this.problems = problems;
        this.interpolator = interpolator;
        this.entries = node instanceof MappingNode mapping ? collectEntries(mapping) : Map.of();
    }

    /** The root of a document; a missing (empty) document is an empty mapping. */
    public static ConfigNode root(Node node, String file, ConfigProblems problems, Interpolator interpolator) {
        ConfigNode root = new ConfigNode(node, file, SourceMark.inFile(file), "", new SourceMark(file, 1, 1), problems,
                interpolator);
        if (node != null && !(node instanceof MappingNode)) {
            root.error("the file must be a YAML mapping of keys (gateway:, devices:, ...), found " + root.kindName());
        }
        return root;
    }

    // ---------------------------------------------------------------- where

    public String path() {
        return path;
    }

    public SourceMark mark() {
        return node == null ? fallbackMark : toMark(node.getStartMark());
    }

    public ConfigProblems problems() {
        return problems;
    }

    /** Reports a mistake at this node. */
    public void error(String message) {
        problems.add(mark(), path, message);
    }

    /** Reports a mistake at the value of {@code key}, or at this node when the key is absent. */
    public void error(String key, String message) {
        NodeTuple tuple = entries.get(key);
        SourceMark at = tuple == null ? mark() : toMark(tuple.getValueNode().getStartMark());
        problems.add(at, childPath(key), message);
    }

    // ---------------------------------------------------------------- shape

    /** True when the node does not exist in the file (an absent section read for its defaults). */
    public boolean isMissing() {
        return node == null;
    }

    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    public boolean has(String key) {
        know(key);
        NodeTuple tuple = entries.get(key);
        return tuple != null && !isNull(tuple.getValueNode());
    }

    /** Keys present in this mapping, in file order. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    /** The child node under {@code key}, whatever its kind; a missing node when absent. */
    public ConfigNode child(String key) {
        know(key);
        NodeTuple tuple = entries.get(key);
        Node value = tuple == null || isNull(tuple.getValueNode()) ? null : tuple.getValueNode();
        return new ConfigNode(value, file, fileMark, childPath(key), mark(), problems, interpolator);
    }

    /**
     * The entries of a mapping whose keys the user names (input names of a computed point, not configuration keys),
     * in file order. The keys are not configuration keys, so none is reported as unknown or listed as known.
     */
    public Map<String, ConfigNode> namedEntries() {
        Map<String, ConfigNode> out = new java.util.LinkedHashMap<>();
        entries.forEach((key, tuple) -> out.put(key, new ConfigNode(isNull(tuple.getValueNode()) ? null
                : tuple.getValueNode(), file, fileMark, childPath(key), toMark(tuple.getKeyNode().getStartMark()),
                problems, interpolator)));
        return out;
    }

    /** The mapping under {@code key}; a missing node (all defaults) when absent or not a mapping. */
    public ConfigNode mapping(String key) {
        ConfigNode child = child(key);
        if (!child.isMissing() && !child.isMapping()) {
            child.error("expected a mapping of keys, found " + child.kindName());
            return new ConfigNode(null, file, fileMark, child.path, child.mark(), problems, interpolator);
        }
        return child;
    }

    /** The items of the sequence under {@code key}; empty when absent. A single mapping is accepted as one item. */
    public List<ConfigNode> list(String key) {
        return child(key).items();
    }

    /** The items of this node when it is a sequence; empty when missing, reported when it is something else. */
    public List<ConfigNode> items() {
        if (isMissing()) {
            return List.of();
        }
        if (node instanceof SequenceNode sequence) {
            List<ConfigNode> items = new ArrayList<>();
            List<Node> values = sequence.getValue();
            for (int i = 0; i < values.size(); i++) {
                items.add(new ConfigNode(values.get(i), file, fileMark, path + "[" + i + "]", mark(), problems,
                        interpolator));
            }
            return items;
        }
        error("expected a list (items starting with '- '), found " + kindName());
        return List.of();
    }

    /**
     * A file path from the configuration: a relative one is taken relative to the folder of the configuration file,
     * so that a config and the files it names (certificates, keys) move together.
     */
    public Path resolvePath(String text) {
        Path path = Path.of(text);
        if (path.isAbsolute()) {
            return path.normalize();
        }
        Path base = Path.of(file).toAbsolutePath().getParent();
        return (base == null ? path.toAbsolutePath() : base.resolve(path)).normalize();
    }

    // ---------------------------------------------------------------- scalars of this node

    /** This node's text when it is a scalar, with ${env:..}/${file:..} resolved; empty (and reported) otherwise. */
    public Optional<String> asString() {
        if (node == null) {
            return Optional.empty();
        }
        if (!(node instanceof ScalarNode scalar)) {
            error("expected a single value, found " + kindName());
            return Optional.empty();
        }
        try {
            return Optional.of(interpolator.resolve(scalar.getValue()));
        } catch (Interpolator.InterpolationException e) {
            error(e.getMessage());
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- typed getters

    public Optional<String> string(String key) {
        return child(key).asString();
    }

    public String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    /** A string that must be there; reports it and returns empty when missing. */
    public Optional<String> requiredString(String key) {
        if (!has(key)) {
            missing(key, "");
            return Optional.empty();
        }
        return string(key);
    }

    /**
     * Reports that a required key is missing, with a hint of what it takes. Nothing when the key is there: a value
     * that is present but unusable was reported by whoever read it, and "missing" would be a second, false message.
     */
    public void missing(String key, String hint) {
        if (has(key)) {
            return;
        }
        problems.add(mark(), childPath(key), "required key '" + key + "' is missing" + (hint.isEmpty() ? "" : "; " + hint));
    }

    public Optional<Secret> secret(String key) {
        return string(key).map(Secret::new);
    }

    /** A list of strings; a single scalar is accepted as a list of one. */
    public List<String> stringList(String key) {
        ConfigNode child = child(key);
        if (child.isMissing()) {
            return List.of();
        }
        if (child.isScalar()) {
            return child.asString().map(List::of).orElse(List.of());
        }
        List<String> out = new ArrayList<>();
        for (ConfigNode item : list(key)) {
            item.asString().ifPresent(out::add);
        }
        return List.copyOf(out);
    }

    public boolean bool(String key, boolean defaultValue) {
        return bool(key).orElse(defaultValue);
    }

    public Optional<Boolean> bool(String key) {
        return string(key).flatMap(text -> {
            switch (text.toLowerCase(Locale.ROOT)) {
                case "true":
                    return Optional.of(true);
                case "false":
                    return Optional.of(false);
                default:
                    error(key, "expected true or false, found '" + text + "'");
                    return Optional.empty();
            }
        });
    }

    /** An integer within [min, max]. */
    public Optional<Long> integer(String key, long min, long max) {
        return string(key).flatMap(text -> {
            long value;
            try {
                value = parseLong(text);
            } catch (NumberFormatException e) {
                error(key, "expected a whole number, found '" + text + "'");
                return Optional.empty();
            }
            if (value < min || value > max) {
                error(key, "must be between " + min + " and " + max + ", found " + value);
                return Optional.empty();
            }
            return Optional.of(value);
        });
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return integer(key, (long) min, (long) max).map(Long::intValue).orElse(defaultValue);
    }

    public Optional<Double> number(String key) {
        return string(key).flatMap(text -> {
            try {
                double value = Double.parseDouble(text.replace("_", ""));
                if (Double.isNaN(value) || Double.isInfinite(value)) {
                    throw new NumberFormatException();
                }
                return Optional.of(value);
            } catch (NumberFormatException e) {
                error(key, "expected a number, found '" + text + "'");
                return Optional.empty();
            }
        });
    }

    public double number(String key, double defaultValue) {
        return number(key).orElse(defaultValue);
    }

    /** A duration such as {@code 500ms}, {@code 1s}, {@code 5m}, {@code 2h}, {@code 1d}, within [min, max]. */
    public Optional<Duration> duration(String key, Duration min, Duration max) {
        return string(key).flatMap(text -> {
            Optional<Duration> parsed = Durations.parse(text);
            if (parsed.isEmpty()) {
                error(key, "expected a duration such as 500ms, 10s, 5m, 2h or 1d, found '" + text + "'");
                return Optional.empty();
            }
            Duration value = parsed.get();
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                error(key, "must be between " + Durations.format(min) + " and " + Durations.format(max)
                        + ", found " + Durations.format(value));
                return Optional.empty();
            }
            return Optional.of(value);
        });
    }

    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        return duration(key, min, max).orElse(defaultValue);
    }

    /** A size in bytes such as {@code 512}, {@code 64KB}, {@code 256MB}, {@code 2GB} (powers of 1024), within [min, max]. */
    public Optional<Long> byteSize(String key, long min, long max) {
        return string(key).flatMap(text -> {
            Optional<Long> parsed = ByteSizes.parse(text);
            if (parsed.isEmpty()) {
                error(key, "expected a size such as 512KB, 64MB or 2GB, found '" + text + "'");
                return Optional.empty();
            }
            long value = parsed.get();
            if (value < min || value > max) {
                error(key, "must be between " + ByteSizes.format(min) + " and " + ByteSizes.format(max)
                        + ", found " + ByteSizes.format(value));
                return Optional.empty();
            }
            return Optional.of(value);
        });
    }

    /** One of a fixed set of words; the message lists them in the map's order (pass an ordered map). */
    public <T> Optional<T> choice(String key, Map<String, T> choices) {
        return string(key).flatMap(text -> {
            T value = choices.get(text.toLowerCase(Locale.ROOT));
            if (value == null) {
                String allowed = String.join(", ", choices.keySet());
                String hint = DidYouMean.suggest(text, choices.keySet()).map(s -> "did you mean '" + s + "'? ").orElse("");
                error(key, "'" + text + "' is not allowed here; " + hint + "allowed: " + allowed);
                return Optional.empty();
            }
            return Optional.of(value);
        });
    }

    /** An enum constant written in lower case with hyphens ({@code DROP_OLDEST} is {@code drop-oldest}). */
    public <E extends Enum<E>> Optional<E> enumValue(String key, Class<E> type) {
        return choice(key, enumChoices(type));
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        return enumValue(key, type).orElse(defaultValue);
    }

    public static <E extends Enum<E>> Map<String, E> enumChoices(Class<E> type) {
        Map<String, E> choices = new LinkedHashMap<>();
        for (E constant : type.getEnumConstants()) {
            choices.put(configName(constant), constant);
        }
        return choices;
    }

    public static String configName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    // ---------------------------------------------------------------- unknown keys

    /** Marks keys as known without reading them, e.g. keys that another reader owns. */
    public void allowKeys(String... keys) {
        for (String key : keys) {
            know(key);
        }
    }

    /**
     * Reports no unknown keys for this node: for a node whose reader is missing (a device of an unknown protocol,
     * already reported), so that its keys are not reported as unknown too.
     */
    public void ignoreUnknownKeys() {
        unknownKeysIgnored = true;
    }

    private void know(String key) {
        if (knownKeys.add(key)) {
            problems.known(childPath(key));
        }
    }

    /** Reports every key of this mapping that no reader asked for, with a did-you-mean when one is close. */
    public void rejectUnknownKeys() {
        if (unknownKeysIgnored) {
            return;
        }
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            String key = entry.getKey();
            if (knownKeys.contains(key)) {
                continue;
            }
            String hint = DidYouMean.suggest(key, knownKeys).map(s -> "did you mean '" + s + "'? ").orElse("");
            String allowed = knownKeys.stream().sorted().collect(Collectors.joining(", "));
            problems.add(toMark(entry.getValue().getKeyNode().getStartMark()), childPath(key),
                    "unknown key '" + key + "'; " + hint + "allowed here: " + allowed);
        }
    }

    // ---------------------------------------------------------------- internals

    private String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private Map<String, NodeTuple> collectEntries(MappingNode mapping) {
        Map<String, NodeTuple> own = new LinkedHashMap<>();
        List<NodeTuple> merged = new ArrayList<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                problems.add(toMark(tuple.getKeyNode().getStartMark()), path, "keys must be plain words, found a "
                        + kindName(tuple.getKeyNode()));
                continue;
            }
            String key = keyNode.getValue();
            if (MERGE_KEY.equals(key)) {
                collectMerge(tuple.getValueNode(), merged);
                continue;
            }
            if (own.containsKey(key)) {
                problems.add(toMark(keyNode.getStartMark()), childPath(key), "key '" + key
                        + "' appears twice in the same mapping (first at line " + toMark(own.get(key).getKeyNode().getStartMark()).line() + ")");
                continue;
            }
            own.put(key, tuple);
        }
        if (merged.isEmpty()) {
            return own;
        }
        // YAML merge keys ("<<: *defaults"): keys written here win over merged ones.
        Map<String, NodeTuple> result = new LinkedHashMap<>();
        for (NodeTuple tuple : merged) {
            if (tuple.getKeyNode() instanceof ScalarNode k && !own.containsKey(k.getValue())) {
                result.putIfAbsent(k.getValue(), tuple);
            }
        }
        result.putAll(own);
        return result;
    }

    private void collectMerge(Node value, List<NodeTuple> into) {
        if (value instanceof MappingNode m) {
            into.addAll(m.getValue());
        } else if (value instanceof SequenceNode s) {
            s.getValue().forEach(v -> collectMerge(v, into));
        } else {
            problems.add(toMark(value.getStartMark()), path, "'<<' merges a mapping (an alias such as *defaults)");
        }
    }

    private static boolean isNull(Node value) {
        if (!(value instanceof ScalarNode scalar) || !scalar.isPlain()) {
            return false;
        }
        String v = scalar.getValue();
        return v.isEmpty() || v.equals("~") || v.equals("null") || v.equals("Null") || v.equals("NULL");
    }

    private String kindName() {
        return kindName(node);
    }

    private static String kindName(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        return n == null ? "nothing" : "'" + ((ScalarNode) n).getValue() + "'";
    }

    /** The place of a node; unknown when the file was read without marks (a valid file, see ConfigLoader.parse). */
    private SourceMark toMark(Optional<Mark> mark) {
        return mark.map(m -> new SourceMark(file, m.getLine() + 1, m.getColumn() + 1)).orElse(fileMark);
    }

    private static long parseLong(String text) {
        String t = text.replace("_", "");
        if (t.startsWith("0x") || t.startsWith("0X")) {
            return Long.parseLong(t.substring(2), 16);
        }
        return Long.parseLong(t);
    }
}
