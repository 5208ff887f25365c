package io.outpost.core.logic.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.ConfigProblem;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.PointRef;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.testing.TestAdapterFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregatesConfigTest {

    private static final String HEAD = """
            gateway: {id: gw, site: s, data-dir: /tmp/outpost-test}
            devices:
              - id: tank1
                protocol: test
                points:
                  - {id: level, address: 1, type: float64}
                  - {id: flow, address: 2, type: float64}
            aggregates:
            """;

    private final ConfigLoader loader = new ConfigLoader(new AdapterCatalog(List.of(new TestAdapterFactory())),
            List.of(), PayloadFormats.standard().names(), new Interpolator(n -> null));

    private GatewayConfig load(String rules) throws ConfigException {
        return loader.parse(HEAD + rules, Path.of("site.yaml"));
    }

    private List<ConfigProblem> problems(String rules) {
        return catchThrowableOfType(ConfigException.class, () -> load(rules)).problems();
    }

    @Test
    void a_rule_names_its_points_with_their_topics() throws Exception {
        AggregatesConfig config = load("""
                  - {points: [tank1/level], every: 15m, functions: [twa, max]}
                """).section(AggregatesConfig.KEY, AggregatesConfig.class).orElseThrow();

        assertThat(config.rules()).singleElement().satisfies(r -> {
            assertThat(r.every()).isEqualTo(Duration.ofMinutes(15));
            assertThat(r.functions()).containsExactlyInAnyOrder(AggregateFunction.TWA, AggregateFunction.MAX);
            assertThat(r.topics()).containsExactly(java.util.Map.entry(new PointRef("tank1", "level"), "s/tank1/level/15m"));
        });
    }

    @Test
    void a_window_that_does_not_divide_a_day_is_refused() {
        assertThat(problems("  - {points: [tank1/level], every: 7m}\n")).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("aggregates[0].every");
            assertThat(p.mark().line()).isEqualTo(9);
            assertThat(p.message()).contains("must divide a day");
        });
    }

    @Test
    void an_unknown_point_is_refused_with_a_suggestion() {
        assertThat(problems("  - {points: [tank1/levle], every: 1m}\n")).singleElement().satisfies(p ->
                assertThat(p.message()).contains("no point 'tank1/levle'").contains("did you mean 'tank1/level'?"));
    }

    @Test
    void an_unknown_function_is_refused() {
        assertThat(problems("  - {points: [tank1/level], every: 1m, functions: [median]}\n")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("unknown function 'median'"));
    }

    @Test
    void two_aggregates_on_one_topic_are_refused() {
        assertThat(problems("""
                  - {points: [tank1/level], every: 1m, topic: "s/agg/{point}"}
                  - {points: [tank1/level], every: 5m, topic: "s/agg/{point}"}
                """)).singleElement().satisfies(p -> assertThat(p.message()).contains("is already used by"));
    }
}
