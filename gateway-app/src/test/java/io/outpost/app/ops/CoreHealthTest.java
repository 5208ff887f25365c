package io.outpost.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.logic.computed.ComputedAdapterFactory;
import io.outpost.core.point.Value;
import io.outpost.core.testing.CoreHarness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoreHealthTest {

    private static final String YAML = """
            gateway: {id: gw, site: s, data-dir: /tmp/outpost-test}
            devices:
              - id: tank1
                protocol: test
                points: [{id: level, address: 1, type: float64}]
              - id: calc
                protocol: logic
                points:
                  - {id: volume, expression: level * 2, inputs: {level: tank1/level}}
            """;

    @Test
    void a_device_of_computed_points_whose_inputs_stand_still_is_healthy() throws Exception {
        try (CoreHarness core = new CoreHarness(YAML, List.of(new ComputedAdapterFactory())).start()) {
            core.device("tank1").set("level", Value.of(1.0));
            CoreHealth health = new CoreHealth(core.runtime, core.scheduler.nanoTime());

            core.advance(Duration.ofMinutes(10)); // the level never changes: nothing to compute

            assertThat(health.check(core.scheduler.nanoTime()))
                    .filteredOn(h -> h.component().equals("device:calc"))
                    .singleElement().satisfies(h -> assertThat(h.healthy()).as(h.detail()).isTrue());
            assertThat(health.check(core.scheduler.nanoTime()))
                    .filteredOn(h -> h.component().equals("device:tank1"))
                    .singleElement().satisfies(h -> assertThat(h.healthy()).as(h.detail()).isTrue());
        }
    }
}
