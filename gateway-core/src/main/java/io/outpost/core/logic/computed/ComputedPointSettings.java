package io.outpost.core.logic.computed;

import io.outpost.core.config.SourceMark;
import io.outpost.core.point.PointRef;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code logic} protocol's part of a computed point: its expression, compiled at load, and its inputs, each a
 * name used in the expression for a point of any device ({@code level: tank1/level}).
 *
 * @param expression null when the expression has mistakes (reported at load; the load then fails)
 * @param inputMarks where each input was written, for the whole-configuration checks; not part of equality
 */
public record ComputedPointSettings(String source, CompiledExpression expression, Map<String, PointRef> inputs,
                                    Map<String, SourceMark> inputMarks) {

    public ComputedPointSettings {
        Objects.requireNonNull(source, "source");
        inputs = Map.copyOf(inputs);
        inputMarks = Map.copyOf(inputMarks);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComputedPointSettings c && source.equals(c.source) && inputs.equals(c.inputs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, inputs);
    }
}
