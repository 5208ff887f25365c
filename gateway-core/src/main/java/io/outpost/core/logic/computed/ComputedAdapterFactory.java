package io.outpost.core.logic.computed;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.SourceMark;
import io.outpost.core.logic.ReadingFeed;
import io.outpost.core.point.DataType;
import io.outpost.core.point.PointRef;
import io.outpost.core.spi.AdapterContext;
import io.outpost.core.spi.AdapterFactory;
import io.outpost.core.spi.DeviceAdapter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code logic} protocol: a device whose points are computed from other points of the gateway. Reads
 * {@code expression:} and {@code inputs:} of each point and compiles the expression once; a mistake is reported with
 * the file's line and column of the offending token. That inputs exist and form no cycle is checked over the whole
 * file by {@link ComputedPointsCheck}.
 */
public final class ComputedAdapterFactory implements AdapterFactory<ComputedDeviceSettings, ComputedPointSettings> {

    public static final String PROTOCOL = "logic";

    private volatile ExpressionLanguage language;

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public Class<ComputedDeviceSettings> deviceSettingsType() {
        return ComputedDeviceSettings.class;
    }

    @Override
    public Class<ComputedPointSettings> pointSettingsType() {
        return ComputedPointSettings.class;
    }

    @Override
    public ComputedDeviceSettings parseDevice(ConfigNode device) {
        return new ComputedDeviceSettings();
    }

    @Override
    public ComputedPointSettings parsePoint(ConfigNode point, ComputedDeviceSettings device, DataType type) {
        Map<String, PointRef> inputs = new LinkedHashMap<>();
        Map<String, SourceMark> marks = new LinkedHashMap<>();
        ConfigNode inputsNode = point.child("inputs");
        if (!inputsNode.isMissing() && !inputsNode.isMapping()) {
            inputsNode.error("expected a mapping of input names to points, e.g. 'level: tank1/level'");
        } else {
            inputsNode.namedEntries().forEach((name, ref) -> readInput(name, ref, inputs, marks));
        }
        // An input whose point is written wrongly is still a name of the expression: one mistake, one message.
        java.util.Set<String> names = new java.util.LinkedHashSet<>(inputs.keySet());
        inputsNode.namedEntries().keySet().stream().filter(n -> ExpressionLanguage.inputNameProblem(n) == null)
                .forEach(names::add);
        Optional<String> source = point.requiredString("expression");
        if (source.isEmpty()) {
            return new ComputedPointSettings("", null, inputs, marks);
        }
        ExpressionLanguage.Result result = language().compile(source.get(), names);
        if (!result.ok()) {
            ConfigNode expressionNode = point.child("expression");
            SourceMark at = expressionNode.mark();
            boolean multiLine = source.get().indexOf('\n') >= 0;
            for (ExpressionProblem p : result.problems()) {
                SourceMark where = at.line() == 0 ? at : multiLine
                        ? new SourceMark(at.file(), at.line() + p.line(), at.column() + p.column() - 1)
                        : new SourceMark(at.file(), at.line(), at.column() + p.column() - 1);
                String token = p.token().isEmpty() ? "at the end of the expression" : "at '" + p.token() + "'";
                point.problems().add(where, expressionNode.path(), "expression error " + token + " (expression line "
                        + p.line() + ", column " + p.column() + "): " + p.message());
            }
        }
        return new ComputedPointSettings(source.get(), result.expression(), inputs, marks);
    }

    private static void readInput(String name, ConfigNode ref, Map<String, PointRef> inputs,
                                  Map<String, SourceMark> marks) {
        String nameProblem = ExpressionLanguage.inputNameProblem(name);
        if (nameProblem != null) {
            ref.error(nameProblem);
            return;
        }
        Optional<String> text = ref.asString();
        int slash = text.map(t -> t.indexOf('/')).orElse(-1);
        if (text.isEmpty() || slash <= 0 || slash == text.get().length() - 1 || text.get().indexOf('/', slash + 1) >= 0) {
            ref.error("an input names a point as device/point, e.g. tank1/level, found '" + text.orElse("") + "'");
            return;
        }
        inputs.put(name, new PointRef(text.get().substring(0, slash).trim(), text.get().substring(slash + 1).trim()));
        marks.put(name, ref.mark());
    }

    /** Built on first use: a gateway without computed points does not pay for the expression language. */
    private ExpressionLanguage language() {
        ExpressionLanguage l = language;
        if (l == null) {
            synchronized (this) {
                l = language;
                if (l == null) {
                    l = new ExpressionLanguage();
                    language = l;
                }
            }
        }
        return l;
    }

    @Override
    public DeviceAdapter create(DeviceConfig device, AdapterContext context) {
        ReadingFeed feed = context.shared(ReadingFeed.SHARED_KEY, ReadingFeed.class, () -> {
            throw new IllegalStateException("the runtime shares no reading feed: computed points cannot run");
        });
        return new ComputedAdapter(device, context, feed);
    }
}
