package io.outpost.core.logic.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.outpost.core.config.AlarmKind;
import io.outpost.core.config.AlarmPriority;
import io.outpost.core.config.AlarmRule;
import io.outpost.core.config.ConfigException;
import io.outpost.core.config.GatewayConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A point's {@code alarms:} and the {@code alarms:} section: read as written, mistakes reported with line and key. */
class AlarmConfigTest {

    private static String point(String alarms) {
        return """
                gateway: {id: gw, site: plant, data-dir: /tmp/outpost-alarm-test}
                devices:
                  - id: tank
                    protocol: test
                    points:
                      - id: level
                        address: 1
                        type: float64
                        alarms:
                """ + alarms.indent(10);
    }

    private static String problems(String yaml) {
        ConfigException e = catchThrowableOfType(() -> AlarmServiceTest.load(yaml), ConfigException.class);
        assertThat(e).as("expected the configuration to be refused").isNotNull();
        return e.getMessage();
    }

    @Test
    void every_key_of_an_alarm_is_read_with_defaults_for_what_is_left_out() throws Exception {
        GatewayConfig c = AlarmServiceTest.load(point("""
                hi: {limit: 90, deadband: 2, on-delay: 30s, off-delay: 10s, priority: high, message: Tank level high}
                lo-lo: {limit: 5}
                """));

        List<AlarmRule> rules = c.devices().get(0).points().get(0).alarms().rules();

        assertThat(rules).containsExactly(
                new AlarmRule(AlarmKind.HI, 90, 2, null, List.of(), Duration.ofSeconds(30), Duration.ofSeconds(10),
                        AlarmPriority.HIGH, "Tank level high"),
                new AlarmRule(AlarmKind.LO_LO, 5, 0, null, List.of(), Duration.ZERO, Duration.ZERO,
                        AlarmPriority.HIGH, ""));
        assertThat(c.section(AlarmsSection.KEY, AlarmSettings.class).orElseThrow())
                .isEqualTo(AlarmSettings.DEFAULTS);
    }

    @Test
    void limits_in_the_wrong_order_are_refused_with_the_line_and_key() {
        String message = problems(point("""
                hi-hi: {limit: 80}
                hi: {limit: 90}
                """));

        assertThat(message).contains("alarms.yaml:11:", "devices[0].points[0].alarms.hi",
                "the hi limit (90.0) must be below the hi-hi limit (80.0)");
    }

    @Test
    void a_missing_limit_an_unknown_key_and_a_bad_priority_are_each_reported() {
        String message = problems(point("""
                hi: {deadband: 2}
                lo: {limit: 10, delay: 5s}
                lo-lo: {limit: 5, priority: urgent}
                high: {limit: 3}
                """));

        assertThat(message).contains("4 problems",
                "devices[0].points[0].alarms.hi.limit: required key 'limit' is missing",
                "devices[0].points[0].alarms.lo.delay",
                "devices[0].points[0].alarms.lo-lo.priority: 'urgent' is not allowed here",
                "devices[0].points[0].alarms.high");
    }

    @Test
    void a_limit_alarm_on_a_text_point_and_a_state_alarm_without_values_are_refused() {
        String message = problems(point("""
                state: {priority: low}
                """).replace("type: float64", "type: string") + """
                      - id: name
                        address: 2
                        type: string
                        alarms: {hi: {limit: 1}}
                """);

        assertThat(message).contains("devices[0].points[0].alarms.state.values: required key 'values' is missing",
                "devices[0].points[1].alarms.hi: a hi alarm needs a numeric point, found type string");
    }

    @Test
    void the_alarms_section_takes_a_topic_template_and_a_longest_shelve() throws Exception {
        GatewayConfig c = AlarmServiceTest.load(point("hi: {limit: 1}") + """
                alarms: {topic: "alarms/{device}/{point}", max-shelve: 8h}
                """);

        AlarmSettings s = c.section(AlarmsSection.KEY, AlarmSettings.class).orElseThrow();
        assertThat(s.topic().text()).isEqualTo("alarms/{device}/{point}");
        assertThat(s.maxShelve()).isEqualTo(Duration.ofHours(8));
        assertThat(problems(point("hi: {limit: 1}") + "alarms: {topic: \"alarms/{device}\"}\n"))
                .contains("alarms.topic: must contain {device} and {point}");
    }
}
