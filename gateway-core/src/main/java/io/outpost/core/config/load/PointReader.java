package io.outpost.core.config.load;

import io.outpost.core.config.Identifiers;
import io.outpost.core.config.CommandRoute;
import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.Deadband;
import io.outpost.core.config.PointAlarms;
import io.outpost.core.config.PointConfig;
import io.outpost.core.config.Publication;
import io.outpost.core.config.PublishDefaults;
import io.outpost.core.config.Range;
import io.outpost.core.config.ReportPolicy;
import io.outpost.core.config.Scaling;
import io.outpost.core.config.TopicTemplate;
import io.outpost.core.config.UnitConversion;
import io.outpost.core.logic.units.UnitCatalog;
import io.outpost.core.point.DataType;
import io.outpost.core.point.PointRef;
import io.outpost.core.spi.AdapterFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads one entry of a device's {@code points:}: the core keys here, the protocol's keys in the adapter. */
final class PointReader {

    private static final Map<String, DataType> TYPES = new LinkedHashMap<>();

    static {
        for (DataType t : DataType.values()) {
            TYPES.put(t.configName(), t);
        }
    }

    private final PublishDefaults publish;
    private final java.util.Set<String> formatNames;
    private final Map<String, String> deviceNames;
    private final PointDefaults defaults;

    private final UnitCatalog units;

    PointReader(PublishDefaults publish, java.util.Set<String> formatNames, Map<String, String> deviceNames,
                PointDefaults defaults, UnitCatalog units) {
        this.units = units;
        this.publish = publish;
        this.formatNames = formatNames;
        this.deviceNames = deviceNames;
        this.defaults = defaults;
    }

    <D, P> Optional<PointConfig> read(ConfigNode node, String deviceId, AdapterFactory<D, P> factory, D device) {
        Optional<CoreFields> core = readCore(node, deviceId);
        if (!node.isMapping()) {
            return Optional.empty();
        }
        // One mistake, one message: a bad id must not hide the type from the adapter, which would then report a
        // type that is there as missing.
        DataType type = core.map(CoreFields::type)
                .orElseGet(() -> node.child("type").asString().flatMap(DataType::fromConfigName).orElse(null));
        P settings = factory.parsePoint(node, device, type);
        PointAlarms alarms = AlarmReader.read(node, type);
        node.rejectUnknownKeys();
        return core.map(c -> new PointConfig(c.ref, c.type, c.unit, c.description, c.pollInterval, c.report,
                c.scaling, c.range, c.publication, c.command, settings, node.mark(), alarms));
    }

    /** The protocol-independent keys; empty when the point cannot be used (reported). */
    Optional<CoreFields> readCore(ConfigNode node, String deviceId) {
        if (!node.isMapping()) {
            node.error("a point is a mapping with at least an id:");
            return Optional.empty();
        }
        Optional<String> id = node.requiredString("id");
        boolean idOk = id.map(v -> Identifiers.check(node, "id", v)).orElse(false);
        DataType type = node.choice("type", TYPES).orElse(null);
        String unit = node.string("unit", "");
        String description = node.string("description", "");
        Duration interval = node.duration("poll-interval", defaults.pollInterval(), DeviceReader.MIN_INTERVAL,
                DeviceReader.MAX_INTERVAL);
        ReportPolicy report = readReport(node);
        Scaling scaling = readScaling(node);
        UnitConversion conversion = readUnitConversion(node, unit);
        if (conversion != null) {
            scaling = new Scaling(scaling.scale(), scaling.offset(), conversion);
            unit = conversion.to();
        }
        Range range = readRange(node);
        if (type != null && (scaling != Scaling.IDENTITY || report.deadband() != null) && !type.isNumeric()
                && type != DataType.BOOL) {
            node.error("type", "scale, offset and deadband need a numeric type, found " + type);
        }

        Map<String, String> names = new HashMap<>(deviceNames);
        names.put("point", id.orElse(""));
        TopicTemplate topicTemplate = PublishSectionReader.optionalTemplate(node, "topic", PublishSectionReader.POINT_PLACEHOLDERS)
                .orElse(defaults.topic());
        String topic = topicTemplate.expand(names);
        String topicProblem = TopicTemplate.problemWithTopicName(topic);
        if (topicProblem != null && idOk) {
            node.error("topic", topicProblem);
        }
        Publication publication = new Publication(topic, node.integer("qos", defaults.qos(), 0, 2),
                node.bool("retain", defaults.retain()),
                PublishSectionReader.format(node, formatNames).orElse(defaults.format()));

        CommandRoute command = null;
        if (node.bool("writable", false)) {
            names.put("topic", topic);
            command = new CommandRoute(publish.commandTopic().expand(names), publish.commandResultTopic().expand(names));
        }
        if (!idOk) {
            return Optional.empty();
        }
        return Optional.of(new CoreFields(new PointRef(deviceId, id.get()), type, unit, description, interval,
                report, scaling, range, publication, command));
    }

    private ReportPolicy readReport(ConfigNode node) {
        Deadband deadband = readDeadband(node);
        Duration heartbeat = node.has("heartbeat") ? PublishSectionReader.heartbeat(node).orElse(null) : defaults.heartbeat();
        Map<String, Boolean> reportChoices = new LinkedHashMap<>();
        reportChoices.put("change", false);
        reportChoices.put("every-read", true);
        boolean everyRead = node.choice("report", reportChoices).orElse(false);
        if (deadband == null && heartbeat == null && !everyRead) {
            return ReportPolicy.ON_CHANGE;
        }
        return new ReportPolicy(deadband, heartbeat, everyRead);
    }

    private static Deadband readDeadband(ConfigNode node) {
        return node.string("deadband").flatMap(text -> {
            String t = text.trim();
            boolean percent = t.endsWith("%");
            String number = percent ? t.substring(0, t.length() - 1).trim() : t;
            try {
                double amount = Double.parseDouble(number);
                if (amount < 0 || Double.isNaN(amount) || Double.isInfinite(amount)) {
                    throw new NumberFormatException();
                }
                if (percent && amount > 100) {
                    node.error("deadband", "a percentage deadband must be at most 100%, found " + t);
                    return Optional.empty();
                }
                return Optional.of(new Deadband(percent ? Deadband.Kind.PERCENT : Deadband.Kind.ABSOLUTE, amount));
            } catch (NumberFormatException e) {
                node.error("deadband", "expected a non-negative number (in engineering units) or a percentage "
                        + "such as 2%, found '" + text + "'");
                return Optional.empty();
            }
        }).orElse(null);
    }

    /** {@code publish-unit:} converts from {@code unit:} with the units library; null when not asked for. */
    private UnitConversion readUnitConversion(ConfigNode node, String unit) {
        Optional<String> publishUnit = node.string("publish-unit");
        if (publishUnit.isEmpty()) {
            return null;
        }
        if (unit.isEmpty()) {
            node.error("publish-unit", "needs unit: (the unit the device gives) to convert from");
            return null;
        }
        if (publishUnit.get().equals(unit)) {
            return null;
        }
        UnitCatalog.Result r = units.conversion(unit, publishUnit.get());
        if (r.conversion() == null) {
            node.error(r.fromIsWrong() ? "unit" : "publish-unit", r.problem());
        }
        return r.conversion();
    }

    private static Scaling readScaling(ConfigNode node) {
        double scale = node.number("scale", 1.0);
        double offset = node.number("offset", 0.0);
        if (scale == 0) {
            node.error("scale", "must not be 0 (every reading would become the offset)");
            return Scaling.IDENTITY;
        }
        return scale == 1.0 && offset == 0.0 ? Scaling.IDENTITY : new Scaling(scale, offset);
    }

    private static Range readRange(ConfigNode node) {
        if (!node.has("range")) {
            return null;
        }
        List<ConfigNode> items = node.list("range");
        if (items.size() != 2) {
            node.error("range", "expected [min, max], two numbers");
            return null;
        }
        Double[] bounds = new Double[2];
        for (int i = 0; i < 2; i++) {
            ConfigNode item = items.get(i);
            Optional<String> text = item.asString();
            try {
                bounds[i] = text.map(Double::parseDouble).orElse(null);
            } catch (NumberFormatException e) {
                item.error("expected a number, found '" + text.orElse("") + "'");
            }
        }
        if (bounds[0] == null || bounds[1] == null) {
            return null;
        }
        if (!(bounds[0] < bounds[1])) {
            node.error("range", "the minimum must be below the maximum, found [" + bounds[0] + ", " + bounds[1] + "]");
            return null;
        }
        return new Range(bounds[0], bounds[1]);
    }

    record CoreFields(PointRef ref, DataType type, String unit, String description, Duration pollInterval,
                      ReportPolicy report, Scaling scaling, Range range, Publication publication, CommandRoute command) {
    }
}
