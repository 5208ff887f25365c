package io.outpost.core.logic.computed;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelFunctionOverload;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The functions computed points may call besides CEL's own operators: what an OT engineer reaches for (min, max,
 * avg, sum, abs, sqrt, pow, round, floor, ceil, clamp) and {@code quality(input)}. Every argument is taken as a
 * number whatever its CEL type (an int literal, a double input), so that {@code max(t1, 0)} works as written.
 * Also mixed int/double arithmetic ({@code level * 2}), which plain CEL refuses.
 */
final class ExpressionFunctions {

    /** The overload id of {@code quality(input)}; bound per evaluation (see {@link CompiledExpression}). */
    static final String QUALITY_OVERLOAD = "outpost_quality";
    /** The most arguments min, max, avg and sum take. */
    static final int MAX_ARGS = 8;

    private final List<CelFunctionDecl> declarations = new ArrayList<>();
    private final List<CelFunctionBinding> bindings = new ArrayList<>();

    ExpressionFunctions() {
        for (int n = 1; n <= MAX_ARGS; n++) {
            fixed("min", n, args -> fold(args, Double.POSITIVE_INFINITY, Math::min));
            fixed("max", n, args -> fold(args, Double.NEGATIVE_INFINITY, Math::max));
            fixed("sum", n, args -> fold(args, 0, Double::sum));
            fixed("avg", n, args -> fold(args, 0, Double::sum) / args.length);
        }
        unary("abs", Math::abs);
        unary("sqrt", Math::sqrt);
        unary("floor", Math::floor);
        unary("ceil", Math::ceil);
        unary("round", x -> (double) Math.round(x));
        fixed("round", 2, args -> round(number(args[0]), number(args[1])));
        fixed("pow", 2, args -> Math.pow(number(args[0]), number(args[1])));
        fixed("clamp", 3, args -> Math.min(Math.max(number(args[0]), number(args[1])), number(args[2])));
        declarations.add(CelFunctionDecl.newFunctionDeclaration("quality",
                CelOverloadDecl.newGlobalOverload(QUALITY_OVERLOAD, SimpleType.STRING, SimpleType.DYN)));
        mixedArithmetic("_+_", "add", Double::sum);
        mixedArithmetic("_-_", "subtract", (a, b) -> a - b);
        mixedArithmetic("_*_", "multiply", (a, b) -> a * b);
        mixedArithmetic("_/_", "divide", (a, b) -> a / b);
    }

    List<CelFunctionDecl> declarations() {
        return Collections.unmodifiableList(declarations);
    }

    List<CelFunctionBinding> bindings() {
        return Collections.unmodifiableList(bindings);
    }

    private interface Body {
        double apply(Object[] args) throws CelEvaluationException;
    }

    private interface Fold {
        double apply(double a, double b);
    }

    private void unary(String name, java.util.function.DoubleUnaryOperator f) {
        fixed(name, 1, args -> f.applyAsDouble(number(args[0])));
    }

    private void fixed(String name, int arity, Body body) {
        String id = "outpost_" + name + "_" + arity;
        List<CelType> params = Collections.nCopies(arity, SimpleType.DYN);
        declarations.add(CelFunctionDecl.newFunctionDeclaration(name,
                CelOverloadDecl.newGlobalOverload(id, SimpleType.DOUBLE, params)));
        List<Class<?>> types = Collections.nCopies(arity, Object.class);
        CelFunctionOverload impl = args -> body.apply(args);
        bindings.add(CelFunctionBinding.from(id, types, impl));
    }

    private void mixedArithmetic(String operator, String name, Fold f) {
        declarations.add(CelFunctionDecl.newFunctionDeclaration(operator,
                CelOverloadDecl.newGlobalOverload("outpost_" + name + "_double_int", SimpleType.DOUBLE,
                        SimpleType.DOUBLE, SimpleType.INT),
                CelOverloadDecl.newGlobalOverload("outpost_" + name + "_int_double", SimpleType.DOUBLE,
                        SimpleType.INT, SimpleType.DOUBLE)));
        bindings.add(CelFunctionBinding.from("outpost_" + name + "_double_int", Double.class, Long.class,
                (a, b) -> f.apply(a, b)));
        bindings.add(CelFunctionBinding.from("outpost_" + name + "_int_double", Long.class, Double.class,
                (a, b) -> f.apply(a, b)));
    }

    private static double fold(Object[] args, double start, Fold f) throws CelEvaluationException {
        double acc = start;
        for (Object a : args) {
            acc = f.apply(acc, number(a));
        }
        return acc;
    }

    private static double round(double x, double digits) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return x;
        }
        // Half away from zero on the decimal digits as written (2.675 rounds to 2.68), which is what a person
        // checking the number by hand expects; binary rounding of x * 100 would give 2.67.
        return BigDecimal.valueOf(x).setScale((int) digits, RoundingMode.HALF_UP).doubleValue();
    }

    static double number(Object value) throws CelEvaluationException {
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof UnsignedLong u) {
            return u.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw new CelEvaluationException("expected a number, found " + (value == null ? "nothing"
                : value instanceof String ? "text '" + value + "'" : value.getClass().getSimpleName()));
    }
}
