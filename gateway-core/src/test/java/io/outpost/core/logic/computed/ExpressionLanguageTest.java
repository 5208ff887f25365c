package io.outpost.core.logic.computed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.runtime.CelEvaluationException;
import io.outpost.core.point.Quality;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every function and operator a computed point may use, each against a value worked out by hand (not by the code
 * under test), and the mistakes reported at load with the place and the offending token.
 */
class ExpressionLanguageTest {

    private static final ExpressionLanguage LANGUAGE = new ExpressionLanguage();
    private static final Set<String> INPUTS = Set.of("a", "b", "c", "level", "flow", "running", "mode");

    private static Object eval(String source, Map<String, Object> values) throws CelEvaluationException {
        return eval(source, values, name -> Quality.GOOD);
    }

    private static Object eval(String source, Map<String, Object> values,
                               java.util.function.Function<String, Quality> qualities) throws CelEvaluationException {
        ExpressionLanguage.Result r = LANGUAGE.compile(source, INPUTS);
        assertThat(r.problems()).as(source).isEmpty();
        Map<String, Object> all = new HashMap<>(ExpressionLanguage.CONSTANTS);
        all.putAll(values);
        return r.expression().evaluate(all, qualities);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = ';', value = {
            // inputs a = 2.0, b = -3.5, c = 10.0 (as a device reading gives them: doubles)
            "min(a, b); -3.5",
            "min(a, b, c); -3.5",
            "min(c); 10.0",
            "max(a, b); 2.0",
            "max(a, b, c, 7); 10.0",
            "max(b, 0); 0.0",
            "sum(a, b, c); 8.5",
            "sum(a, 1, 2, 3, 4, 5, 6, 7); 30.0",
            "avg(a, c); 6.0",
            "avg(a, b, c); 2.8333333333333335",
            "abs(b); 3.5",
            "abs(a); 2.0",
            "sqrt(c * 10.0); 10.0",
            "pow(a, 10); 1024.0",
            "pow(c, 0.5); 3.1622776601683795",
            "round(b); -3.0",
            "round(2.5); 3.0",
            "round(2.675, 2); 2.68",
            "round(c / 3.0, 1); 3.3",
            "floor(b); -4.0",
            "ceil(b); -3.0",
            "clamp(c, 0, 5); 5.0",
            "clamp(b, 0, 5); 0.0",
            "clamp(a, 0, 5); 2.0",
            // mixed int and double arithmetic, which plain CEL refuses
            "a * 3; 6.0",
            "3 * a; 6.0",
            "c / 4; 2.5",
            "1 + a; 3.0",
            "a - 1; 1.0",
            "10 - a; 8.0",
            // tank volume: level 2 m in a tank of radius 1.5 m, pi * r^2 * level = 14.137166941154069 m3
            "a * 3.141592653589793 * pow(1.5, 2); 14.137166941154069",
    })
    void each_function_gives_the_value_worked_out_by_hand(String expression, double expected) throws Exception {
        Object result = eval(expression, Map.of("a", 2.0, "b", -3.5, "c", 10.0));

        assertThat(result).isInstanceOf(Double.class);
        assertThat((Double) result).isEqualTo(expected);
    }

    @Test
    void comparisons_and_logic_mix_numbers_and_booleans_as_written() throws Exception {
        Map<String, Object> stalled = Map.of("running", true, "flow", 0.2);
        Map<String, Object> pumping = Map.of("running", true, "flow", 3.0);
        Map<String, Object> stopped = Map.of("running", false, "flow", 0.0);

        assertThat(eval("running && flow < 0.5", stalled)).isEqualTo(true);
        assertThat(eval("running && flow < 0.5", pumping)).isEqualTo(false);
        assertThat(eval("running && flow < 0.5", stopped)).isEqualTo(false);
        assertThat(eval("!running || flow >= 1", stopped)).isEqualTo(true);
        assertThat(eval("flow == 3", pumping)).isEqualTo(true);
        assertThat(eval("flow != 3", pumping)).isEqualTo(false);
    }

    @Test
    void the_conditional_picks_a_branch() throws Exception {
        assertThat(eval("level > 80.0 ? 'high' : 'normal'", Map.of("level", 91.0))).isEqualTo("high");
        assertThat(eval("level > 80.0 ? 'high' : 'normal'", Map.of("level", 79.0))).isEqualTo("normal");
        assertThat(eval("mode == 'auto' ? 1 : 0", Map.of("mode", "auto"))).isEqualTo(1L);
    }

    @Test
    void quality_of_an_input_is_its_quality_not_its_value() throws Exception {
        String expression = "quality(a) == good ? a : b";
        Map<String, Object> values = Map.of("a", 1.0, "b", 2.0);

        assertThat(eval(expression, values, n -> Quality.GOOD)).isEqualTo(1.0);
        assertThat(eval(expression, values, n -> n.equals("a") ? Quality.bad("timeout") : Quality.GOOD)).isEqualTo(2.0);
        assertThat(eval("quality(b)", values, n -> n.equals("b") ? Quality.uncertain("out-of-range") : Quality.GOOD))
                .isEqualTo("uncertain");
        assertThat(LANGUAGE.compile(expression, INPUTS).expression().usesQuality()).isTrue();
        assertThat(LANGUAGE.compile("a + b", INPUTS).expression().usesQuality()).isFalse();
    }

    @Test
    void integer_division_by_zero_fails_the_evaluation_and_real_division_gives_infinity() throws Exception {
        assertThatThrownBy(() -> eval("1 / 0", Map.of())).isInstanceOf(CelEvaluationException.class);
        assertThat(eval("a / 0.0", Map.of("a", 1.0))).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void a_function_given_text_fails_the_evaluation() {
        assertThatThrownBy(() -> eval("max(mode, 1)", Map.of("mode", "auto")))
                .isInstanceOf(CelEvaluationException.class);
    }

    @Test
    void an_unknown_name_is_reported_with_its_line_column_and_token() {
        ExpressionLanguage.Result r = LANGUAGE.compile("level * 3.14 *\n  radius", INPUTS);

        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(3);
            assertThat(p.token()).isEqualTo("radius");
            assertThat(p.message()).contains("undeclared reference to 'radius'");
        });
    }

    @Test
    void a_syntax_error_is_reported_at_the_offending_token() {
        ExpressionLanguage.Result r = LANGUAGE.compile("max(a, b))", INPUTS);

        assertThat(r.problems()).isNotEmpty();
        assertThat(r.problems().get(0).column()).isEqualTo(10);
        assertThat(r.problems().get(0).token()).isEqualTo(")");
    }

    @Test
    void an_expression_cut_short_is_reported_at_its_end() {
        ExpressionLanguage.Result r = LANGUAGE.compile("a +", INPUTS);

        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.column()).isEqualTo(4);
            assertThat(p.token()).isEmpty();
        });
    }

    @Test
    void an_unknown_function_is_an_error_at_its_name() {
        ExpressionLanguage.Result r = LANGUAGE.compile("a + maxx(b, c)", INPUTS);

        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.column()).isEqualTo(9);
            assertThat(p.token()).isEqualTo("(");
            assertThat(p.message()).contains("maxx");
        });
    }

    @Test
    void quality_needs_an_input_name() {
        ExpressionLanguage.Result r = LANGUAGE.compile("quality(a + 1) == good", INPUTS);

        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.column()).isEqualTo(9);
            assertThat(p.message()).contains("quality() takes the name of an input");
        });
    }

    @Test
    void an_expression_cannot_reach_java_or_anything_not_declared() {
        assertThat(LANGUAGE.compile("java.lang.System.exit(1)", INPUTS).ok()).isFalse();
        assertThat(LANGUAGE.compile("Runtime.getRuntime()", INPUTS).ok()).isFalse();
        assertThat(LANGUAGE.compile("a.getClass()", INPUTS).ok()).isFalse();
    }

    @Test
    void input_names_must_be_usable_in_an_expression() {
        assertThat(ExpressionLanguage.inputNameProblem("level")).isNull();
        assertThat(ExpressionLanguage.inputNameProblem("tank_1")).isNull();
        assertThat(ExpressionLanguage.inputNameProblem("tank-1")).contains("letters, digits or '_'");
        assertThat(ExpressionLanguage.inputNameProblem("1tank")).contains("letters, digits or '_'");
        assertThat(ExpressionLanguage.inputNameProblem("good")).contains("word of the expression language");
        assertThat(ExpressionLanguage.inputNameProblem("in")).contains("word of the expression language");
    }
}
