package io.outpost.core.logic.computed;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The expression language of computed points: Google's Common Expression Language (CEL) with the gateway's
 * functions ({@link ExpressionFunctions}). CEL is sandboxed by design: an expression can only read the variables
 * and call the functions declared here; it cannot reach Java classes, files or the network, cannot loop, and always
 * terminates. Every input is declared {@code dyn}, because a point's type may only be known once its device
 * answers (OPC UA, BACnet); numbers are passed as doubles, so arithmetic and comparisons work as an engineer writes
 * them.
 *
 * <p>Building the compiler and runtime takes a few hundred milliseconds the first time (class loading); one
 * instance serves every expression of a load. Thread-safe.
 */
public final class ExpressionLanguage {

    /** Names an expression can use for qualities: {@code quality(level) == good}. */
    public static final Map<String, Object> CONSTANTS = Map.of("good", "good", "uncertain", "uncertain", "bad", "bad");

    private static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** CEL's reserved words and literals, which cannot name an input. */
    private static final Set<String> RESERVED = Set.of("as", "break", "const", "continue", "else", "for", "function",
            "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while", "in", "true",
            "false", "null");

    private final CelCompiler base;
    private final CelRuntime runtime;

    public ExpressionLanguage() {
        CelOptions options = CelOptions.current().enableHeterogeneousNumericComparisons(true).build();
        ExpressionFunctions functions = new ExpressionFunctions();
        CelCompilerBuilder compiler = CelCompilerFactory.standardCelCompilerBuilder().setOptions(options)
                .addFunctionDeclarations(functions.declarations());
        CONSTANTS.keySet().forEach(name -> compiler.addVar(name, SimpleType.STRING));
        this.base = compiler.build();
        this.runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(options)
                .addFunctionBindings(functions.bindings()).build();
    }

    /** Why {@code name} cannot name an input, or null when it can. */
    public static String inputNameProblem(String name) {
        if (!INPUT_NAME.matcher(name).matches()) {
            return "an input name is a letter or '_' followed by letters, digits or '_' (it is used in the "
                    + "expression), found '" + name + "'";
        }
        if (RESERVED.contains(name) || CONSTANTS.containsKey(name)) {
            return "'" + name + "' is a word of the expression language; name the input otherwise";
        }
        return null;
    }

    /** The result of compiling: the expression, or what is wrong with it (never both). */
    public record Result(CompiledExpression expression, List<ExpressionProblem> problems) {
        public boolean ok() {
            return expression != null;
        }
    }

    /** Compiles {@code source} over the given input names; reports mistakes, never throws for bad input. */
    public Result compile(String source, Set<String> inputs) {
        try {
            return compileChecked(source, inputs);
        } catch (RuntimeException e) {
            // The library's own limits (nesting depth, size) end in an exception on some inputs: still a mistake in
            // the expression, reported as such rather than failing the whole load.
            return new Result(null, List.of(new ExpressionProblem(1, 1, token(source, 0),
                    "the expression cannot be compiled: " + e.getMessage())));
        }
    }

    private Result compileChecked(String source, Set<String> inputs) {
        CelCompiler compiler = withInputs(inputs);
        CelValidationResult checked = compiler.compile(source);
        if (checked.hasError()) {
            return problems(source, checked.getAllIssues());
        }
        // quality(x) must see the input's quality, not its value: each argument becomes the input's name as text,
        // and the function looks the quality up per evaluation.
        CelAbstractSyntaxTree parsed;
        try {
            parsed = compiler.parse(source).getAst();
        } catch (CelValidationException e) {
            return problems(source, e.getErrors());
        }
        List<ExpressionProblem> problems = new ArrayList<>();
        TreeMap<Integer, String> quoted = new TreeMap<>();
        findQualityCalls(parsed.getExpr(), parsed, inputs, source, quoted, problems);
        if (!problems.isEmpty()) {
            return new Result(null, List.copyOf(problems));
        }
        String runnable = source;
        if (!quoted.isEmpty()) {
            StringBuilder out = new StringBuilder(source);
            for (var e : quoted.descendingMap().entrySet()) {
                int at = e.getKey();
                out.replace(at, at + e.getValue().length(), "'" + e.getValue() + "'");
            }
            runnable = out.toString();
            checked = compiler.compile(runnable);
            if (checked.hasError()) {
                return problems(source, checked.getAllIssues());
            }
        }
        try {
            CelRuntime.Program program = runtime.createProgram(checked.getAst());
            return new Result(new CompiledExpression(source, Set.copyOf(inputs), !quoted.isEmpty(), program), List.of());
        } catch (CelEvaluationException | CelValidationException e) {
            return new Result(null, List.of(new ExpressionProblem(1, 1, token(source, 0), e.getMessage())));
        }
    }

    private CelCompiler withInputs(Set<String> inputs) {
        CelCompilerBuilder builder = base.toCompilerBuilder();
        for (String name : new LinkedHashSet<>(inputs)) {
            builder.addVar(name, SimpleType.DYN);
        }
        return builder.build();
    }

    private static void findQualityCalls(CelExpr expr, CelAbstractSyntaxTree ast, Set<String> inputs, String source,
                                         TreeMap<Integer, String> quoted, List<ExpressionProblem> problems) {
        switch (expr.getKind()) {
            case CALL -> {
                CelExpr.CelCall call = expr.call();
                if (call.function().equals("quality") && call.target().isEmpty() && call.args().size() == 1) {
                    CelExpr arg = call.args().get(0);
                    int offset = ast.getSource().getPositionsMap().getOrDefault(arg.id(), 0);
                    if (arg.getKind() == CelExpr.ExprKind.Kind.IDENT && inputs.contains(arg.ident().name())) {
                        quoted.put(offset, arg.ident().name());
                    } else {
                        // Point at where the argument starts (CEL places an operator call at its operator).
                        int open = ast.getSource().getPositionsMap().getOrDefault(expr.id(), offset);
                        int start = open < source.length() && source.charAt(open) == '(' ? open + 1 : offset;
                        while (start < source.length() && Character.isWhitespace(source.charAt(start))) {
                            start++;
                        }
                        problems.add(at(source, start, "quality() takes the name of an input, e.g. quality(level)"));
                    }
                    return;
                }
                call.target().ifPresent(t -> findQualityCalls(t, ast, inputs, source, quoted, problems));
                call.args().forEach(a -> findQualityCalls(a, ast, inputs, source, quoted, problems));
            }
            case SELECT -> findQualityCalls(expr.select().operand(), ast, inputs, source, quoted, problems);
            case LIST -> expr.list().elements().forEach(e -> findQualityCalls(e, ast, inputs, source, quoted, problems));
            default -> {
                // Constants, identifiers, maps, comprehensions: no quality() call to rewrite at this level.
            }
        }
    }

    private static Result problems(String source, List<CelIssue> issues) {
        List<ExpressionProblem> out = new ArrayList<>();
        for (CelIssue issue : issues) {
            int line = Math.max(1, issue.getSourceLocation().getLine());
            int column = Math.max(0, issue.getSourceLocation().getColumn());
            out.add(new ExpressionProblem(line, column + 1, token(source, offset(source, line, column)),
                    issue.getMessage()));
        }
        return new Result(null, List.copyOf(out));
    }

    private static ExpressionProblem at(String source, int offset, String message) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset && i < source.length(); i++) {
            if (source.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new ExpressionProblem(line, offset - lineStart + 1, token(source, offset), message);
    }

    private static int offset(String source, int line, int column) {
        int at = 0;
        for (int l = 1; l < line; l++) {
            int nl = source.indexOf('\n', at);
            if (nl < 0) {
                return source.length();
            }
            at = nl + 1;
        }
        return Math.min(source.length(), at + column);
    }

    /** The token starting at {@code offset}: an identifier or number, else one or two operator characters. */
    static String token(String source, int offset) {
        if (offset >= source.length()) {
            return "";
        }
        char c = source.charAt(offset);
        int end = offset + 1;
        if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
            while (end < source.length() && (Character.isLetterOrDigit(source.charAt(end)) || source.charAt(end) == '_'
                    || source.charAt(end) == '.')) {
                end++;
            }
        } else if (end < source.length() && "=&|<>!".indexOf(c) >= 0 && "=&|".indexOf(source.charAt(end)) >= 0) {
            end++;
        }
        return source.substring(offset, end);
    }
}
