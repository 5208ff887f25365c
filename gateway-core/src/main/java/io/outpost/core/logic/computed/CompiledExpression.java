package io.outpost.core.logic.computed;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelLateFunctionBindings;
import dev.cel.runtime.CelRuntime;
import io.outpost.core.point.Quality;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * An expression compiled once at load: evaluating it walks the checked CEL program, with no parsing. Immutable and
 * safe to evaluate from any thread.
 *
 * @param usesQuality true when the expression calls {@code quality(input)}: it then decides about bad inputs itself
 */
public record CompiledExpression(String source, Set<String> inputs, boolean usesQuality, CelRuntime.Program program) {

    /**
     * Evaluates with the given input values (Double, Boolean or String, by input name) and qualities.
     *
     * @return the result: Double, Long, Boolean, String (or another CEL value, which the caller refuses)
     * @throws CelEvaluationException when the evaluation fails (no matching function for the values' types,
     *                                integer division by zero, ...)
     */
    public Object evaluate(Map<String, Object> values, Function<String, Quality> qualities) throws CelEvaluationException {
        if (!usesQuality) {
            return program.eval(values);
        }
        CelFunctionBinding quality = CelFunctionBinding.from(ExpressionFunctions.QUALITY_OVERLOAD, Object.class,
                input -> qualities.apply(String.valueOf(input)).status().wireName());
        return program.eval(values, CelLateFunctionBindings.from(quality));
    }

    /** Equal when written the same: hot reload keeps a computed point whose expression did not change. */
    @Override
    public boolean equals(Object o) {
        return o instanceof CompiledExpression c && source.equals(c.source) && inputs.equals(c.inputs);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }
}
