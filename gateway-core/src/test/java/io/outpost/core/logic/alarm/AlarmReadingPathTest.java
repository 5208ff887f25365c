package io.outpost.core.logic.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.point.PointRef;
import io.outpost.core.point.Value;
import io.outpost.core.testing.CoreHarness;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alarms see every accepted reading of a polled device, in engineering units, also those report-by-exception held back. */
class AlarmReadingPathTest {

    @TempDir
    Path dir;

    @Test
    void a_reading_inside_the_report_deadband_still_raises_the_alarm_in_engineering_units() throws Exception {
        String yaml = """
                gateway: {id: gw, site: plant, data-dir: /tmp/outpost-alarm-test}
                devices:
                  - id: tank
                    protocol: test
                    poll-interval: 1s
                    points:
                      - id: level
                        address: 1
                        type: int16
                        scale: 0.1
                        deadband: 5
                        alarms: {hi: {limit: 90}}
                """;
        try (CoreHarness core = new CoreHarness(yaml)) {
            AlarmService alarms = new AlarmService(core.config.gateway(), core.scheduler, core.sink,
                    AlarmStateFile.in(dir), Runnable::run);
            alarms.configure(core.config);
            core.runtime.observeReadings(alarms);
            core.start();
            core.device("tank").set("level", Value.of(880L));
            core.advance(Duration.ofMillis(500));
            core.device("tank").set("level", Value.of(910L));

            core.advance(Duration.ofSeconds(1));

            assertThat(core.sink.payloads("plant/tank/level")).as("91.0 is inside the report deadband")
                    .containsExactly("{\"value\":88.0,\"quality\":\"good\",\"ts\":1767225600000}");
            AlarmSnapshot hi = alarms.alarms().get(0);
            assertThat(hi.point()).isEqualTo(new PointRef("tank", "level"));
            assertThat(hi.active()).isTrue();
            assertThat(core.sink.payloads("plant/gw/alarms/tank/level/event")).singleElement().asString()
                    .contains("\"value\":91.0");
        }
    }
}
