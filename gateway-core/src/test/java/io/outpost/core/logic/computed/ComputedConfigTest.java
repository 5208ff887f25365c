package io.outpost.core.logic.computed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.ConfigProblem;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.PointRef;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.testing.TestAdapterFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code outpost validate} says about computed points: the place of each mistake, and the cycles. */
class ComputedConfigTest {

    private static final String HEAD = """
            gateway: {id: gw, site: s, data-dir: /tmp/outpost-test}
            devices:
              - id: tank1
                protocol: test
                points:
                  - {id: level, address: 1, type: float64}
                  - {id: flow, address: 2, type: float64}
              - id: calc
                protocol: logic
                points:
            """;

    private final ConfigLoader loader = new ConfigLoader(
            new AdapterCatalog(List.of(new TestAdapterFactory(), new ComputedAdapterFactory())), List.of(),
            PayloadFormats.standard().names(), new Interpolator(n -> null));

    private GatewayConfig load(String points) throws ConfigException {
        return loader.parse(HEAD + points, Path.of("site.yaml"));
    }

    private List<ConfigProblem> problems(String points) {
        return catchThrowableOfType(ConfigException.class, () -> load(points)).problems();
    }

    @Test
    void a_valid_computed_point_loads_with_its_inputs_and_compiled_expression() throws Exception {
        GatewayConfig config = load("""
                      - id: volume
                        expression: level * 3.14 * pow(r, 2)
                        inputs: {level: tank1/level, r: tank1/flow}
                        unit: m3
                        deadband: 0.1
                """);

        DeviceConfig calc = config.device("calc").orElseThrow();
        ComputedPointSettings s = calc.points().get(0).settings(ComputedPointSettings.class);
        assertThat(s.inputs()).isEqualTo(Map.of("level", new PointRef("tank1", "level"),
                "r", new PointRef("tank1", "flow")));
        assertThat(s.expression()).isNotNull();
        assertThat(calc.points().get(0).unit()).isEqualTo("m3");
    }

    @Test
    void an_expression_error_names_file_line_column_and_the_token() {
        // line 11 of the file; "level * 3.14 * radius" starts at column 21, so 'radius' is at column 36
        List<ConfigProblem> problems = problems("""
                      - id: volume
                        expression: level * 3.14 * radius
                        inputs: {level: tank1/level}
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.mark().file()).isEqualTo("site.yaml");
            assertThat(p.mark().line()).isEqualTo(12);
            assertThat(p.mark().column()).isEqualTo(36);
            assertThat(p.path()).isEqualTo("devices[1].points[0].expression");
            assertThat(p.message()).startsWith("expression error at 'radius'").contains("undeclared reference");
        });
    }

    @Test
    void an_input_that_names_no_point_is_an_error_with_a_suggestion() {
        List<ConfigProblem> problems = problems("""
                      - id: volume
                        expression: level * 2
                        inputs:
                          level: tank1/levle
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.mark().line()).isEqualTo(14);
            assertThat(p.message()).contains("input 'level' names point tank1/levle, which no device has")
                    .contains("did you mean 'tank1/level'?");
        });
    }

    @Test
    void an_input_written_without_its_device_is_an_error() {
        List<ConfigProblem> problems = problems("""
                      - id: volume
                        expression: level * 2
                        inputs: {level: level}
                """);

        assertThat(problems).singleElement().satisfies(p ->
                assertThat(p.message()).contains("an input names a point as device/point"));
    }

    @Test
    void an_input_name_the_expression_cannot_use_is_an_error() {
        List<ConfigProblem> problems = problems("""
                      - id: volume
                        expression: level * 2
                        inputs: {level: tank1/level, tank-level: tank1/level}
                """);

        assertThat(problems).singleElement().satisfies(p ->
                assertThat(p.message()).contains("'tank-level'"));
    }

    @Test
    void a_cycle_between_computed_points_is_an_error_naming_the_cycle() {
        List<ConfigProblem> problems = problems("""
                      - id: a
                        expression: x + 1
                        inputs: {x: calc/c}
                      - id: b
                        expression: x * 2
                        inputs: {x: calc/a}
                      - id: c
                        expression: x - 1
                        inputs: {x: calc/b}
                      - id: d
                        expression: x
                        inputs: {x: calc/c}
                """);

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.message()).contains("cycle").contains("calc/a -> calc/c -> calc/b -> calc/a");
            assertThat(p.mark().line()).isPositive();
        });
    }

    @Test
    void a_point_that_uses_itself_is_an_error() {
        List<ConfigProblem> problems = problems("""
                      - id: total
                        expression: total + 1
                        inputs: {total: calc/total}
                """);

        assertThat(problems).singleElement().satisfies(p ->
                assertThat(p.message()).contains("uses itself"));
    }

    @Test
    void a_missing_expression_is_reported() {
        List<ConfigProblem> problems = problems("""
                      - id: volume
                        inputs: {level: tank1/level}
                """);

        assertThat(problems).singleElement().satisfies(p -> assertThat(p.path()).endsWith("expression"));
    }

    @Test
    void an_unchanged_computed_point_is_equal_after_a_reload_so_its_device_keeps_running() throws Exception {
        String points = """
                      - id: volume
                        expression: level * 2
                        inputs: {level: tank1/level}
                """;

        assertThat(load(points).device("calc")).isEqualTo(load(points).device("calc"));
        assertThat(load(points).device("calc")).isNotEqualTo(load(points.replace("* 2", "* 3")).device("calc"));
    }
}
