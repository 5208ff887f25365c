package io.outpost.mqtt.bridge.config;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.GatewayIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an upstream's uplink economy keys: {@code mode}, {@code sparkplug}, {@code will}, {@code topic-aliases},
 * {@code replay-share}, {@code budget}, and per forward rule {@code format}, {@code batch}, {@code compression},
 * {@code dictionary}. One per upstream item.
 */
final class UplinkReader {

    static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(1);
    static final int DEFAULT_MAX_BYTES = 16 * 1024;
    /** Large enough for any broker's default packet limit to be the real bound, small enough for a satellite frame. */
    private static final int MAX_BATCH_BYTES = 16 * 1024 * 1024;
    private static final long MAX_DICTIONARY_BYTES = 4L << 20;
    private static final Map<String, BatchFormat> FORMATS = new LinkedHashMap<>();
    private static final Map<String, Boolean> MODES = new LinkedHashMap<>();

    static {
        FORMATS.put("json", BatchFormat.AS_PUBLISHED);
        FORMATS.put("json-batch", BatchFormat.JSON_BATCH);
        FORMATS.put("cbor-batch", BatchFormat.CBOR_BATCH);
        FORMATS.put("ts-batch", BatchFormat.TS_BATCH);
        MODES.put("mqtt", false);
        MODES.put("sparkplug", true);
    }

    private final GatewayIdentity gateway;
    private final Map<Path, ZstdDictionary> dictionaries = new LinkedHashMap<>();

    UplinkReader(GatewayIdentity gateway) {
        this.gateway = gateway;
    }

    /** {@code mode:} and {@code sparkplug:}; null unless the upstream is in Sparkplug mode. */
    SparkplugConfig readSparkplug(ConfigNode node) {
        boolean sparkplug = node.choice("mode", MODES).orElse(false);
        ConfigNode sp = node.mapping("sparkplug");
        if (!sparkplug) {
            if (!sp.isMissing()) {
                node.error("sparkplug", "Sparkplug settings are given but the upstream is not in mode: sparkplug");
            }
            return null;
        }
        String group = sp.requiredString("group-id").orElse("");
        String edgeNode = sp.string("edge-node-id", gateway.id());
        String host = sp.string("primary-host-id").orElse(null);
        for (Map.Entry<String, String> id : Map.of("group-id", group, "edge-node-id", edgeNode).entrySet()) {
            checkSparkplugId(sp, id.getKey(), id.getValue());
        }
        if (host != null) {
            checkSparkplugId(sp, "primary-host-id", host);
        }
        int dataQos = sp.integer("data-qos", 0, 0, 1);
        sp.rejectUnknownKeys();
        return group.isEmpty() ? null : new SparkplugConfig(group, edgeNode, host, dataQos);
    }

    private static void checkSparkplugId(ConfigNode node, String key, String value) {
        if (value.isEmpty() || value.contains("/") || value.contains("+") || value.contains("#")) {
            node.error(key, "a Sparkplug id must be one topic level without '/', '+' or '#', found '" + value + "'");
        }
    }

    /** {@code will:}: {@code auto} (default), {@code off}, or a mapping. */
    WillConfig readWill(ConfigNode node, boolean sparkplug) {
        if (!node.has("will")) {
            return sparkplug ? null : WillConfig.AUTO;
        }
        if (sparkplug) {
            node.error("will", "a Sparkplug upstream's will is its NDEATH; remove will:");
            return null;
        }
        ConfigNode will = node.child("will");
        if (!will.isMapping()) {
            String text = node.string("will", "auto").toLowerCase(Locale.ROOT);
            return switch (text) {
                case "auto" -> WillConfig.AUTO;
                case "off" -> null;
                default -> {
                    node.error("will", "expected auto, off or a mapping {topic:, payload:}, found '" + text + "'");
                    yield null;
                }
            };
        }
        Optional<String> topic = will.requiredString("topic");
        String payload = will.string("payload", "");
        int qos = will.integer("qos", 1, 0, 2);
        boolean retain = will.bool("retain", true);
        String birth = will.string("birth").orElse(null);
        will.rejectUnknownKeys();
        return topic.map(t -> new WillConfig(t, payload.getBytes(StandardCharsets.UTF_8), qos, retain,
                birth == null ? null : birth.getBytes(StandardCharsets.UTF_8))).orElse(null);
    }

    /**
     * A forward rule's packing, or null to send its messages as published. In Sparkplug mode every rule packs into
     * Sparkplug payloads and takes no format keys.
     */
    Packing readPacking(ConfigNode rule, boolean sparkplug, boolean usesDevice) {
        if (sparkplug) {
            for (String key : List.of("format", "batch", "compression", "dictionary", "to")) {
                if (rule.has(key)) {
                    rule.error(key, "a Sparkplug upstream chooses topics and payloads itself; remove " + key + ":");
                }
            }
            return new Packing(BatchFormat.SPARKPLUG, Compression.NONE, DEFAULT_MAX_DELAY.toMillis(), DEFAULT_MAX_BYTES, 0);
        }
        BatchFormat format = rule.choice("format", FORMATS).orElse(BatchFormat.AS_PUBLISHED);
        Compression compression = rule.enumValue("compression", Compression.class, Compression.NONE);
        ConfigNode batch = rule.mapping("batch");
        long maxDelay = DEFAULT_MAX_DELAY.toMillis();
        int maxBytes = DEFAULT_MAX_BYTES;
        if (!batch.isMissing()) {
            if (!format.batches()) {
                rule.error("batch", "batching needs format: json-batch, cbor-batch or ts-batch (json sends each message as published)");
            }
            String by = batch.string("by", usesDevice ? "device" : "rule").toLowerCase(Locale.ROOT);
            if (by.equals("device") && !usesDevice) {
                batch.error("by", "batching by device needs {device} in the rule's to:, e.g. \"sites/{site}/batch/{device}\"");
            } else if (by.equals("rule") && usesDevice) {
                batch.error("by", "batching by rule sends one topic; remove {device} from to: or use by: device");
            } else if (!by.equals("device") && !by.equals("rule")) {
                batch.error("by", "expected device or rule, found '" + by + "'");
            }
            maxDelay = batch.duration("max-delay", DEFAULT_MAX_DELAY, Duration.ZERO, Duration.ofHours(1)).toMillis();
            maxBytes = (int) (long) batch.byteSize("max-bytes", 256, MAX_BATCH_BYTES).orElse((long) DEFAULT_MAX_BYTES);
            batch.rejectUnknownKeys();
        }
        int dictionaryId = 0;
        if (rule.has("dictionary")) {
            if (compression != Compression.ZSTD) {
                rule.error("dictionary", "a dictionary is used with compression: zstd");
            }
            dictionaryId = rule.string("dictionary").flatMap(text -> readDictionary(rule, text)).map(ZstdDictionary::id).orElse(0);
        }
        if (format == BatchFormat.AS_PUBLISHED && compression == Compression.NONE) {
            return null;
        }
        return new Packing(format, compression, maxDelay, maxBytes, dictionaryId);
    }

    private Optional<ZstdDictionary> readDictionary(ConfigNode rule, String text) {
        Path path = rule.resolvePath(text);
        ZstdDictionary known = dictionaries.get(path);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            long size = Files.size(path);
            if (size < 8 || size > MAX_DICTIONARY_BYTES) {
                rule.error("dictionary", path + " has " + size + " bytes; a zstd dictionary has 8 bytes to 4MB");
                return Optional.empty();
            }
            byte[] content = Files.readAllBytes(path);
            ZstdDictionary d = new ZstdDictionary(path, ZstdDictionary.idOf(content), content);
            for (ZstdDictionary other : dictionaries.values()) {
                if (other.id() == d.id()) {
                    rule.error("dictionary", path + " has the same dictionary id as " + other.path()
                            + "; consumers tell dictionaries apart by id (train with zstd --train --dictID=N)");
                    return Optional.empty();
                }
            }
            dictionaries.put(path, d);
            return Optional.of(d);
        } catch (IOException e) {
            rule.error("dictionary", "cannot read the dictionary " + path + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code replay-share: 30%}: the share of the link a backlog gets while live data waits. */
    int readReplayShare(ConfigNode node) {
        return percent(node, "replay-share", UplinkConfig.DEFAULT_REPLAY_SHARE);
    }

    /**
     * {@code budget: {per: day|month, bytes: 50MB, start-day: 1, low-at: 80%, min-interval: 5m, keep: [alarms]}}, or
     * null when there is none.
     *
     * @param classes the store's class names, which {@code keep} must name
     */
    BudgetConfig readBudget(ConfigNode node, List<String> classes) {
        ConfigNode b = node.mapping("budget");
        if (b.isMissing()) {
            return null;
        }
        BudgetConfig.Period per = b.enumValue("per", BudgetConfig.Period.class, BudgetConfig.Period.MONTH);
        Optional<Long> bytes = b.byteSize("bytes", 1024, Long.MAX_VALUE);
        if (!b.has("bytes")) {
            b.missing("bytes", "the bytes the upstream may move per period, e.g. 50MB");
        }
        int startDay = b.integer("start-day", 1, 1, 28);
        if (b.has("start-day") && per != BudgetConfig.Period.MONTH) {
            b.error("start-day", "start-day goes with per: month");
        }
        int lowAt = percent(b, "low-at", 80);
        Duration minInterval = b.duration("min-interval", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofDays(1));
        List<String> keep = b.stringList("keep");
        for (String name : keep) {
            if (!classes.contains(name)) {
                b.error("keep", "no store class is named '" + name + "'; the classes are " + classes);
            }
        }
        b.rejectUnknownKeys();
        return bytes.map(n -> new BudgetConfig(per, n, startDay, lowAt, minInterval, keep)).orElse(null);
    }

    /** A percentage 1..100, written {@code 30%} or {@code 30}. */
    private static int percent(ConfigNode node, String key, int defaultValue) {
        Optional<String> text = node.string(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        String t = text.get().trim();
        try {
            int value = Integer.parseInt(t.endsWith("%") ? t.substring(0, t.length() - 1).trim() : t);
            if (value >= 1 && value <= 100) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Reported below with the expected form, like a number out of range.
        }
        node.error(key, "expected a percentage from 1% to 100%, found '" + t + "'");
        return defaultValue;
    }

    List<ZstdDictionary> dictionaries() {
        return List.copyOf(dictionaries.values());
    }
}
