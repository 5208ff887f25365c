package io.outpost.core.config.load;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.ConfigProblem;
import io.outpost.core.config.ConfigProblems;
import io.outpost.core.config.ConfigSection;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.PublishDefaults;
import io.outpost.core.config.SourceMark;
import io.outpost.core.logic.aggregate.AggregatesConfig;
import io.outpost.core.logic.aggregate.AggregatesReader;
import io.outpost.core.logic.computed.ComputedPointsCheck;
import io.outpost.core.logic.units.UnitCatalog;
import io.outpost.core.spi.AdapterCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Loads and validates a gateway configuration file in one pass, collecting every mistake with its line, column
 * and YAML path, and throws them together as a {@link ConfigException}. The result is immutable and fully
 * validated: the runtime never re-checks it.
 */
public final class ConfigLoader {

    private static final Set<String> TOP_LEVEL_CORE_KEYS = Set.of("gateway", "publish", "devices", AggregatesConfig.KEY);

    private final AdapterCatalog adapters;
    private final List<ConfigSection<?>> sections;
    private final Set<String> formatNames;
    private final Interpolator interpolator;
    /** Built on the first publish-unit: loading a file without one does not build the units library's tables. */
    private final UnitCatalog units = new UnitCatalog();

    public ConfigLoader(AdapterCatalog adapters, List<ConfigSection<?>> sections, Set<String> formatNames,
                        Interpolator interpolator) {
        this.adapters = adapters;
        this.sections = List.copyOf(sections);
        this.formatNames = Set.copyOf(formatNames);
        this.interpolator = interpolator;
        for (ConfigSection<?> s : sections) {
            if (TOP_LEVEL_CORE_KEYS.contains(s.key())) {
                throw new IllegalArgumentException("section key '" + s.key() + "' belongs to the core");
            }
        }
    }

    /** Every section found with {@link ServiceLoader}. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static List<ConfigSection<?>> discoverSections() {
        List<ConfigSection<?>> found = new ArrayList<>();
        for (ConfigSection s : ServiceLoader.load(ConfigSection.class)) {
            found.add(s);
        }
        return found;
    }

    public GatewayConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigProblem(new SourceMark(file.toString(), 0, 0), "",
                    "cannot read the file: " + e.getClass().getSimpleName() + " " + e.getMessage())));
        }
        return parse(text, file);
    }

    public GatewayConfig parse(String yaml, Path file) throws ConfigException {
        try {
            // First without the YAML library's marks (line and column of every node): a 100,000-point site has a
            // million nodes, and their marks would take a hundred megabytes of heap for the moment of loading.
            return parse(yaml, file, new ConfigProblems(), false);
        } catch (ConfigException withoutPlaces) {
            // A mistake: read again with marks, so that every message names its line and column.
            return parse(yaml, file, new ConfigProblems(), true);
        }
    }

    /**
     * Every key path the readers know when reading {@code yaml} (whether or not it is valid): the core's, the
     * sections' and those of the adapters of the protocols it uses. The configuration reference is checked
     * against this.
     */
    public java.util.SortedSet<String> knownKeys(String yaml, Path file) {
        ConfigProblems problems = new ConfigProblems();
        try {
            parse(yaml, file, problems, true);
        } catch (ConfigException e) {
            // Only the keys are wanted here; mistakes in the sample do not matter.
        }
        return problems.knownKeys();
    }

    private GatewayConfig parse(String yaml, Path file, ConfigProblems problems, boolean marks) throws ConfigException {
        String label = file.toString();
        Node document = compose(yaml, label, marks);
        ConfigNode root = ConfigNode.root(document, label, problems, interpolator);

        ConfigNode gatewayNode = root.mapping("gateway");
        GatewayIdentity identity = new GatewayReader(file).read(gatewayNode);
        gatewayNode.rejectUnknownKeys();

        ConfigNode publishNode = root.mapping("publish");
        PublishDefaults publish = new PublishSectionReader(formatNames).read(publishNode);
        publishNode.rejectUnknownKeys();

        Map<String, Object> sectionRecords = new LinkedHashMap<>();
        for (ConfigSection<?> section : sections) {
            ConfigNode node = section.isList() ? root.child(section.key()) : root.mapping(section.key());
            Object record = section.parse(node, identity);
            if (!section.isList()) {
                node.rejectUnknownKeys();
            }
            sectionRecords.put(section.key(), record);
        }

        DeviceReader deviceReader = new DeviceReader(adapters, identity, publish, formatNames, units);
        List<DeviceConfig> devices = new ArrayList<>();
        for (ConfigNode deviceNode : root.list("devices")) {
            deviceReader.read(deviceNode).ifPresent(devices::add);
        }
        sectionRecords.put(AggregatesConfig.KEY, AggregatesReader.read(root.child(AggregatesConfig.KEY), devices, identity));
        root.rejectUnknownKeys();
        checkUnique(identity, publish, devices, problems);
        ComputedPointsCheck.check(devices, problems);

        problems.throwIfAny();
        return new GatewayConfig(file, identity, publish, devices, sectionRecords);
    }

    /**
     * The largest configuration file read, in characters. The YAML library's default (3 MB) refuses a site of about
     * 30,000 points written one per line; 64 MB holds several hundred thousand.
     */
    static final int MAX_CHARACTERS = 64 << 20;

    private static Node compose(String yaml, String label, boolean marks) throws ConfigException {
        LoadSettings settings = LoadSettings.builder().setLabel(label).setAllowDuplicateKeys(true)
                .setCodePointLimit(MAX_CHARACTERS).setUseMarks(marks).build();
        try {
            return new Compose(settings).composeString(yaml).orElse(null);
        } catch (MarkedYamlEngineException e) {
            SourceMark at = e.getProblemMark()
                    .map(m -> new SourceMark(label, m.getLine() + 1, m.getColumn() + 1))
                    .orElse(new SourceMark(label, 0, 0));
            throw new ConfigException(List.of(new ConfigProblem(at, "", "YAML syntax: " + e.getProblem()
                    + (e.getContext() == null ? "" : " (" + e.getContext() + ")"))));
        } catch (YamlEngineException e) {
            throw new ConfigException(List.of(new ConfigProblem(new SourceMark(label, 0, 0), "", "YAML: " + e.getMessage())));
        }
    }

    /** Device ids are unique, and no two points (or a point and a status) share a topic. */
    private static void checkUnique(GatewayIdentity identity, PublishDefaults publish, List<DeviceConfig> devices,
                                    ConfigProblems problems) {
        Map<String, DeviceConfig> ids = new HashMap<>();
        Map<String, String> topics = new HashMap<>();
        topics.put(publish.gatewayStatusTopic(identity), "the gateway's status");
        for (DeviceConfig d : devices) {
            DeviceConfig previous = ids.putIfAbsent(d.id(), d);
            if (previous != null) {
                problems.add(d.location(), "devices", "device id '" + d.id() + "' is used twice (first at line "
                        + previous.location().line() + "); device ids must be unique");
            }
            claimTopic(topics, d.statusTopic(), "the status of device " + d.id(), d.location(), problems);
            d.points().forEach(p -> {
                claimTopic(topics, p.publication().topic(), "point " + p.ref(), p.location(), problems);
                if (p.command() != null) {
                    claimTopic(topics, p.command().commandTopic(), "commands of point " + p.ref(), p.location(), problems);
                }
            });
        }
    }

    private static void claimTopic(Map<String, String> topics, String topic, String owner, SourceMark at,
                                   ConfigProblems problems) {
        String previous = topics.putIfAbsent(topic, owner);
        if (previous != null) {
            problems.add(at, "", "topic '" + topic + "' of " + owner + " is already used by " + previous
                    + "; give one of them its own topic");
        }
    }
}
