package io.outpost.core.logic.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.ConfigProblem;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.PointConfig;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.Message;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.Value;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.testing.CoreHarness;
import io.outpost.core.testing.TestAdapterFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code unit:} plus {@code publish-unit:} at load and on the way out. */
class PublishUnitTest {

    private static final String YAML = """
            gateway: {id: gw, site: s, data-dir: /tmp/outpost-test}
            devices:
              - id: boiler
                protocol: test
                poll-interval: 1s
                points:
                  - id: supply
                    address: 1
                    type: int16
                    scale: 0.1
                    unit: degF
                    publish-unit: degC
                  - {id: drum, address: 2, type: float64, unit: psi, publish-unit: bar}
            """;

    private List<ConfigProblem> problems(String yaml) {
        ConfigLoader loader = new ConfigLoader(new AdapterCatalog(List.of(new TestAdapterFactory())), List.of(),
                PayloadFormats.standard().names(), new Interpolator(n -> null));
        return catchThrowableOfType(ConfigException.class, () -> loader.parse(yaml, Path.of("boiler.yaml"))).problems();
    }

    @Test
    void a_reading_is_published_in_the_publish_unit_after_scale_and_offset() throws Exception {
        try (CoreHarness core = new CoreHarness(YAML).start()) {
            core.device("boiler").set("supply", Value.of(2120)); // 212.0 degF
            core.device("boiler").set("drum", Value.of(14.503773773)); // 1 bar
            core.advance(Duration.ofSeconds(1));

            PointConfig supply = core.config.device("boiler").orElseThrow().point("supply").orElseThrow();
            assertThat(supply.unit()).isEqualTo("degC");
            assertThat(core.sink.messages()).anySatisfy(m -> {
                assertThat(m.header().topic()).endsWith("supply");
                assertThat(m.sample().value()).isEqualTo(Value.of(100.0));
            });
            Message drum = core.sink.messages().stream().filter(m -> m.header().topic().endsWith("drum"))
                    .findFirst().orElseThrow();
            assertThat(drum.sample().value().asDouble()).isCloseTo(1.0, within(1e-9));
            assertThat(new String(drum.payload(), StandardCharsets.UTF_8)).contains("\"quality\":\"good\"");
            // a write of 100 degC goes to the device as 212.0 degF, i.e. 2120 tenths
            assertThat(supply.scaling().toRaw(100.0)).isCloseTo(2120.0, within(1e-9));
        }
    }

    @Test
    void units_of_different_quantities_are_an_error_at_the_publish_unit_key() {
        List<ConfigProblem> problems = problems(YAML.replace("publish-unit: bar", "publish-unit: degC"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.mark().file()).isEqualTo("boiler.yaml");
            assertThat(p.mark().line()).isEqualTo(13);
            assertThat(p.path()).isEqualTo("devices[0].points[1].publish-unit");
            assertThat(p.message()).contains("cannot convert psi").contains("different quantities");
        });
    }

    @Test
    void an_unknown_unit_is_an_error_at_the_unit_key() {
        List<ConfigProblem> problems = problems(YAML.replace("unit: degF", "unit: degFF"));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.mark().line()).isEqualTo(11);
            assertThat(p.path()).isEqualTo("devices[0].points[0].unit");
            assertThat(p.message()).contains("unknown unit 'degFF'").contains("did you mean 'degF'?");
        });
    }

    @Test
    void a_publish_unit_without_a_unit_is_an_error() {
        List<ConfigProblem> problems = problems(YAML.replace("        unit: degF\n", ""));

        assertThat(problems).singleElement().satisfies(p ->
                assertThat(p.message()).contains("needs unit:"));
    }
}
