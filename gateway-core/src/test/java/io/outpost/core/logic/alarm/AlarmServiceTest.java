package io.outpost.core.logic.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.Message;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.testing.ManualScheduler;
import io.outpost.core.testing.RecordingSink;
import io.outpost.core.testing.TestAdapterFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alarm state machine over virtual time: every ISA-18.2 transition, deadband, on- and off-delay, rate of change,
 * states, bad quality, shelving with expiry, commands and their refusals, and the states kept across a restart.
 */
class AlarmServiceTest {

    static final String CONFIG = """
            gateway: {id: gw, site: plant, data-dir: /tmp/outpost-alarm-test}
            alarms: {max-shelve: 8h}
            devices:
              - id: tank
                protocol: test
                points:
                  - id: level
                    address: 1
                    type: float64
                    alarms:
                      hi-hi: {limit: 95, priority: critical, message: Tank overflow imminent}
                      hi: {limit: 90, deadband: 2, message: Tank level high}
                      lo: {limit: 10, on-delay: 30s, off-delay: 10s}
                      bad-quality: {on-delay: 1m}
                  - id: flow
                    address: 2
                    type: float64
                    alarms:
                      rate-of-change: {limit: 5, per: 1m, deadband: 1}
                  - id: pump
                    address: 3
                    type: int16
                    alarms:
                      state: {values: [3, 4], message: Pump tripped}
                  - id: door
                    address: 4
                    type: bool
                    alarms:
                      state: {values: [true], priority: low}
            """;

    static final PointRef LEVEL = new PointRef("tank", "level");
    static final PointRef FLOW = new PointRef("tank", "flow");
    static final PointRef PUMP = new PointRef("tank", "pump");
    static final PointRef DOOR = new PointRef("tank", "door");
    static final String LEVEL_TOPIC = "plant/gw/alarms/tank/level";
    static final Actor ALICE = new Actor("alice", "hmi-1", "mqtt");

    @TempDir
    Path dir;

    final ManualScheduler clock = new ManualScheduler();
    final RecordingSink sink = new RecordingSink();
    AlarmService alarms;

    static GatewayConfig load(String yaml) throws Exception {
        return new ConfigLoader(new AdapterCatalog(List.of(new TestAdapterFactory())), List.of(new AlarmsSection()),
                PayloadFormats.standard().names(), new Interpolator(n -> null)).parse(yaml, Path.of("alarms.yaml"));
    }

    AlarmService start() throws Exception {
        alarms = new AlarmService(load(CONFIG).gateway(), clock, sink, AlarmStateFile.in(dir), Runnable::run);
        alarms.configure(load(CONFIG));
        return alarms;
    }

    @AfterEach
    void close() {
        if (alarms != null) {
            alarms.close();
        }
    }

    void read(PointRef point, double value) {
        alarms.observe(List.of(Sample.good(point, Value.of(value), clock.clock().millis())));
    }

    void read(PointRef point, Value value) {
        alarms.observe(List.of(Sample.good(point, value, clock.clock().millis())));
    }

    AlarmSnapshot alarm(PointRef point, String name) {
        return alarms.alarms().stream().filter(a -> a.point().equals(point) && a.rule().name().equals(name))
                .findFirst().orElseThrow();
    }

    AlarmStatus status(PointRef point, String name) {
        return alarm(point, name).status();
    }

    List<String> events(String topic) {
        return sink.payloads(topic + "/event");
    }

    AlarmResult ack(PointRef point, String name) throws Exception {
        return alarms.act(point, AlarmCommand.of("acknowledge", name, null, "seen", null), ALICE);
    }

    @Test
    void a_value_at_the_hi_limit_raises_an_unacknowledged_alarm_with_an_event_and_a_retained_state() throws Exception {
        start();
        read(LEVEL, 89.9);
        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.NORMAL);

        read(LEVEL, 90.0);

        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(alarm(LEVEL, "hi").active()).isTrue();
        assertThat(events(LEVEL_TOPIC)).singleElement().asString()
                .contains("\"alarm\":\"hi\"", "\"event\":\"activated\"", "\"previous\":\"normal\"",
                        "\"state\":\"unacknowledged\"", "\"value\":90.0", "\"priority\":\"medium\"",
                        "\"message\":\"Tank level high\"");
        Message state = sink.on(LEVEL_TOPIC).get(sink.on(LEVEL_TOPIC).size() - 1);
        assertThat(state.retain()).isTrue();
        assertThat(new String(state.payload(), StandardCharsets.UTF_8))
                .contains("{\"alarm\":\"hi\",\"state\":\"unacknowledged\",\"active\":true");
        assertThat(sink.on(LEVEL_TOPIC + "/event").get(0).retain()).isFalse();
    }

    @Test
    void acknowledged_then_cleared_goes_back_to_normal_and_records_who_acknowledged() throws Exception {
        start();
        read(LEVEL, 91);

        assertThat(ack(LEVEL, "hi").ok()).isTrue();
        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.ACKNOWLEDGED);
        assertThat(alarm(LEVEL, "hi").ackBy()).isEqualTo("alice");
        assertThat(alarm(LEVEL, "hi").ackAt()).isEqualTo(clock.clock().millis());
        assertThat(events(LEVEL_TOPIC).get(1)).contains("\"event\":\"acknowledged\"", "\"by\":\"alice\"",
                "\"client\":\"hmi-1\"", "\"via\":\"mqtt\"", "\"comment\":\"seen\"");

        read(LEVEL, 80);

        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.NORMAL);
        assertThat(events(LEVEL_TOPIC).get(2)).contains("\"event\":\"cleared\"", "\"previous\":\"acknowledged\"",
                "\"state\":\"normal\"");
    }

    @Test
    void cleared_before_acknowledgement_is_returned_unacknowledged_until_acknowledged() throws Exception {
        start();
        read(LEVEL, 91);
        read(LEVEL, 80);
        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.RETURNED_UNACKNOWLEDGED);

        ack(LEVEL, "hi");

        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.NORMAL);
    }

    @Test
    void returning_while_returned_unacknowledged_is_unacknowledged_again() throws Exception {
        start();
        read(LEVEL, 91);
        read(LEVEL, 80);

        read(LEVEL, 92);

        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(events(LEVEL_TOPIC).get(2)).contains("\"previous\":\"returned-unacknowledged\"");
    }

    @Test
    void the_deadband_keeps_a_value_hovering_below_the_limit_from_clearing_the_alarm() throws Exception {
        start();
        read(LEVEL, 90.5);
        read(LEVEL, 89.0);
        read(LEVEL, 88.1);
        read(LEVEL, 90.2);
        assertThat(alarm(LEVEL, "hi").active()).isTrue();
        assertThat(events(LEVEL_TOPIC)).hasSize(1);

        read(LEVEL, 88.0);

        assertThat(alarm(LEVEL, "hi").active()).isFalse();
        assertThat(events(LEVEL_TOPIC)).hasSize(2);
    }

    @Test
    void hi_hi_and_hi_are_separate_alarms_with_their_own_priority() throws Exception {
        start();
        read(LEVEL, 96);

        assertThat(status(LEVEL, "hi-hi")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(events(LEVEL_TOPIC).get(0)).contains("\"alarm\":\"hi-hi\"", "\"priority\":\"critical\"");

        assertThat(alarms.act(LEVEL, AlarmCommand.of("acknowledge", null, null, null, null), ALICE).alarms())
                .containsExactly("hi-hi", "hi");
    }

    @Test
    void the_on_delay_raises_the_alarm_only_after_the_condition_held_that_long_even_without_a_new_reading()
            throws Exception {
        start();
        read(LEVEL, 9);
        clock.advance(Duration.ofSeconds(29));
        assertThat(alarm(LEVEL, "lo").active()).isFalse();

        clock.advance(Duration.ofSeconds(1));

        assertThat(status(LEVEL, "lo")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(events(LEVEL_TOPIC)).singleElement().asString().contains("\"alarm\":\"lo\"", "\"value\":9.0");
        assertThat(alarm(LEVEL, "lo").activeSince()).isEqualTo(Duration.ofSeconds(30).toMillis()
                + java.time.Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    }

    @Test
    void a_break_in_the_condition_during_the_on_delay_starts_it_again() throws Exception {
        start();
        read(LEVEL, 9);
        clock.advance(Duration.ofSeconds(20));
        read(LEVEL, 11);
        clock.advance(Duration.ofSeconds(5));
        read(LEVEL, 9);
        clock.advance(Duration.ofSeconds(29));
        assertThat(alarm(LEVEL, "lo").active()).isFalse();

        clock.advance(Duration.ofSeconds(1));

        assertThat(alarm(LEVEL, "lo").active()).isTrue();
    }

    @Test
    void the_off_delay_clears_the_alarm_only_after_the_condition_stayed_away_that_long() throws Exception {
        start();
        read(LEVEL, 9);
        clock.advance(Duration.ofSeconds(30));
        read(LEVEL, 12);
        clock.advance(Duration.ofSeconds(9));
        read(LEVEL, 9.5); // back in alarm within the off-delay: it never cleared
        clock.advance(Duration.ofSeconds(20));
        assertThat(alarm(LEVEL, "lo").active()).isTrue();
        read(LEVEL, 12);
        clock.advance(Duration.ofSeconds(9));
        assertThat(alarm(LEVEL, "lo").active()).isTrue();

        clock.advance(Duration.ofSeconds(1));

        assertThat(alarm(LEVEL, "lo").active()).isFalse();
        assertThat(status(LEVEL, "lo")).isEqualTo(AlarmStatus.RETURNED_UNACKNOWLEDGED);
        assertThat(events(LEVEL_TOPIC)).hasSize(2);
    }

    @Test
    void a_bad_reading_keeps_limit_alarms_as_they_were_and_raises_bad_quality_after_its_delay() throws Exception {
        start();
        read(LEVEL, 91);
        alarms.observe(List.of(Sample.bad(LEVEL, Quality.TIMEOUT, clock.clock().millis())));
        assertThat(alarm(LEVEL, "hi").active()).isTrue();
        clock.advance(Duration.ofSeconds(59));
        assertThat(alarm(LEVEL, "bad-quality").active()).isFalse();

        clock.advance(Duration.ofSeconds(1));

        assertThat(status(LEVEL, "bad-quality")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(events(LEVEL_TOPIC).get(1)).contains("\"alarm\":\"bad-quality\"", "\"quality\":\"bad\"",
                "\"priority\":\"low\"");
        read(LEVEL, 91);
        assertThat(alarm(LEVEL, "bad-quality").active()).isFalse();
    }

    @Test
    void rate_of_change_compares_consecutive_readings_by_their_source_time() throws Exception {
        start();
        read(FLOW, 100);
        clock.advance(Duration.ofSeconds(30));
        read(FLOW, 102); // 4 per minute
        assertThat(alarm(FLOW, "rate-of-change").active()).isFalse();
        clock.advance(Duration.ofSeconds(30));
        read(FLOW, 105); // 6 per minute

        assertThat(alarm(FLOW, "rate-of-change").active()).isTrue();

        clock.advance(Duration.ofSeconds(60));
        read(FLOW, 109.5); // 4.5 per minute: inside the deadband of 1 below the limit of 5
        assertThat(alarm(FLOW, "rate-of-change").active()).isTrue();
        clock.advance(Duration.ofSeconds(60));
        read(FLOW, 113.5); // 4 per minute
        assertThat(alarm(FLOW, "rate-of-change").active()).isFalse();
    }

    @Test
    void enumerated_and_boolean_states_alarm_on_the_configured_values() throws Exception {
        start();
        read(PUMP, Value.of(1L));
        assertThat(alarm(PUMP, "state").active()).isFalse();
        read(PUMP, Value.of(4L));
        assertThat(alarm(PUMP, "state").active()).isTrue();
        read(PUMP, Value.of(2L));
        assertThat(alarm(PUMP, "state").active()).isFalse();

        read(DOOR, Value.of(true));

        assertThat(alarm(DOOR, "state").active()).isTrue();
        assertThat(events("plant/gw/alarms/tank/door").get(0)).contains("\"value\":true", "\"priority\":\"low\"");
    }

    @Test
    void a_shelved_alarm_is_not_announced_and_comes_back_unacknowledged_when_the_shelve_expires() throws Exception {
        start();
        read(LEVEL, 91);
        AlarmResult shelved = alarms.act(LEVEL, AlarmCommand.of("shelve", "hi", "2h", "sensor being replaced", null),
                ALICE);
        assertThat(shelved.ok()).isTrue();
        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.SHELVED);
        assertThat(alarm(LEVEL, "hi").shelvedBy()).isEqualTo("alice");
        read(LEVEL, 80);
        read(LEVEL, 93);
        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.SHELVED);
        assertThat(ack(LEVEL, "hi").error()).isEqualTo("nothing-to-acknowledge");

        clock.advance(Duration.ofHours(2).minusMillis(1));
        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.SHELVED);
        clock.advance(Duration.ofMillis(1));

        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(alarm(LEVEL, "hi").shelvedUntil()).isZero();
        List<String> events = events(LEVEL_TOPIC);
        assertThat(events.get(events.size() - 1)).contains("\"event\":\"unshelved\"", "\"via\":\"gateway\"",
                "\"comment\":\"shelve expired\"", "\"state\":\"unacknowledged\"");
    }

    @Test
    void an_inactive_alarm_unshelved_by_hand_is_normal() throws Exception {
        start();
        alarms.act(LEVEL, AlarmCommand.of("shelve", "hi", "1h", null, null), ALICE);

        AlarmResult r = alarms.act(LEVEL, AlarmCommand.of("unshelve", "hi", null, null, null), ALICE);

        assertThat(r.ok()).isTrue();
        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.NORMAL);
        assertThat(alarms.act(LEVEL, AlarmCommand.of("unshelve", "hi", null, null, null), ALICE).error())
                .isEqualTo("not-shelved");
    }

    @Test
    void shelving_longer_than_max_shelve_is_refused_and_changes_nothing() throws Exception {
        start();
        read(LEVEL, 91);

        AlarmResult r = alarms.act(LEVEL, AlarmCommand.of("shelve", "hi", "9h", null, null), ALICE);

        assertThat(r.ok()).isFalse();
        assertThat(r.error()).isEqualTo("shelve-too-long");
        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
    }

    @Test
    void acknowledging_with_nothing_to_acknowledge_or_an_unknown_alarm_is_refused() throws Exception {
        start();
        assertThat(ack(LEVEL, "hi").error()).isEqualTo("nothing-to-acknowledge");
        assertThat(ack(LEVEL, "high").error()).isEqualTo("unknown-alarm");
        assertThat(ack(new PointRef("tank", "nothing"), null).error()).isEqualTo("unknown-point");
        assertThat(events(LEVEL_TOPIC)).isEmpty();
    }

    @Test
    void a_command_message_acknowledges_and_its_result_goes_to_the_result_topic() throws Exception {
        start();
        read(LEVEL, 91);

        alarms.handleCommand(LEVEL_TOPIC + "/set", "{\"action\":\"acknowledge\",\"alarm\":\"hi\",\"id\":\"r1\"}"
                .getBytes(StandardCharsets.UTF_8), ALICE, null, null);
        alarms.handleCommand(LEVEL_TOPIC + "/set", "ack please".getBytes(StandardCharsets.UTF_8), ALICE, null, null);

        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.ACKNOWLEDGED);
        assertThat(sink.payloads(LEVEL_TOPIC + "/set/result")).hasSize(2);
        assertThat(sink.payloads(LEVEL_TOPIC + "/set/result").get(0)).contains("\"ok\":true",
                "\"action\":\"acknowledge\"", "\"alarms\":[\"hi\"]", "\"id\":\"r1\"");
        assertThat(sink.payloads(LEVEL_TOPIC + "/set/result").get(1)).contains("\"ok\":false",
                "\"error\":\"bad-payload\"");
        assertThat(alarms.commandTopics()).contains(LEVEL_TOPIC + "/set", "plant/gw/alarms/tank/door/set");
    }

    @Test
    void alarm_states_survive_a_restart_unacknowledged_acknowledged_and_shelved_with_their_expiry() throws Exception {
        start();
        read(LEVEL, 96);
        ack(LEVEL, "hi-hi");
        read(PUMP, Value.of(3L));
        alarms.act(DOOR, AlarmCommand.of("shelve", "state", "1h", null, null), ALICE);
        alarms.close();

        alarms = new AlarmService(load(CONFIG).gateway(), clock, sink, AlarmStateFile.in(dir), Runnable::run);
        alarms.configure(load(CONFIG));

        assertThat(status(LEVEL, "hi-hi")).isEqualTo(AlarmStatus.ACKNOWLEDGED);
        assertThat(alarm(LEVEL, "hi-hi").ackBy()).isEqualTo("alice");
        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(status(PUMP, "state")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(status(DOOR, "state")).isEqualTo(AlarmStatus.SHELVED);
        assertThat(status(LEVEL, "lo")).isEqualTo(AlarmStatus.NORMAL);
        clock.advance(Duration.ofHours(1));
        assertThat(status(DOOR, "state")).isEqualTo(AlarmStatus.NORMAL);
        read(LEVEL, 50);
        assertThat(status(LEVEL, "hi-hi")).isEqualTo(AlarmStatus.NORMAL);
    }

    /** Stops the service as the gateway does, lets {@code down} pass, and starts a new one on the same data dir. */
    void restartAfter(Duration down) throws Exception {
        alarms.close();
        clock.advance(down);
        sink.clear();
        start();
    }

    @Test
    void an_on_delay_running_at_a_restart_raises_the_alarm_when_it_ends_as_if_there_had_been_no_restart()
            throws Exception {
        start();
        long t0 = clock.clock().millis();
        read(LEVEL, 9); // lo, on-delay 30 s
        clock.advance(Duration.ofSeconds(10));

        restartAfter(Duration.ofSeconds(5));
        clock.advance(Duration.ofSeconds(14));
        assertThat(alarm(LEVEL, "lo").active()).isFalse();
        clock.advance(Duration.ofSeconds(1));

        assertThat(status(LEVEL, "lo")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(alarm(LEVEL, "lo").activeSince()).isEqualTo(t0 + 30_000);
        assertThat(events(LEVEL_TOPIC)).singleElement().asString().contains("\"alarm\":\"lo\"", "\"value\":9.0",
                "\"quality\":\"good\"");
    }

    @Test
    void an_off_delay_running_at_a_restart_clears_the_alarm_when_it_ends() throws Exception {
        start();
        read(LEVEL, 9);
        clock.advance(Duration.ofSeconds(30));
        assertThat(alarm(LEVEL, "lo").active()).isTrue();
        read(LEVEL, 50); // off-delay 10 s
        clock.advance(Duration.ofSeconds(3));

        restartAfter(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(4));
        assertThat(alarm(LEVEL, "lo").active()).isTrue();
        clock.advance(Duration.ofSeconds(1));

        assertThat(alarm(LEVEL, "lo").active()).isFalse();
        assertThat(status(LEVEL, "lo")).isEqualTo(AlarmStatus.RETURNED_UNACKNOWLEDGED);
    }

    @Test
    void an_on_delay_that_ran_out_while_the_gateway_was_down_is_decided_by_the_next_reading() throws Exception {
        start();
        read(LEVEL, 9); // lo: its 30 s on-delay begins
        // bad-quality: its 1 min on-delay begins (a bad reading leaves lo's delay running)
        alarms.observe(List.of(Sample.bad(LEVEL, Quality.TIMEOUT, clock.clock().millis())));
        clock.advance(Duration.ofSeconds(10));

        restartAfter(Duration.ofMinutes(5));
        clock.advance(Duration.ofSeconds(1));
        assertThat(alarm(LEVEL, "lo").active()).as("nobody saw the level while the gateway was down").isFalse();
        read(LEVEL, 8);

        assertThat(status(LEVEL, "lo")).as("still low: raised at once").isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(alarm(LEVEL, "lo").activeSince()).isEqualTo(clock.clock().millis());
        assertThat(alarm(LEVEL, "bad-quality").active()).as("a good reading: the lapsed delay is dropped").isFalse();
        clock.advance(Duration.ofMinutes(2));
        assertThat(alarm(LEVEL, "bad-quality").active()).isFalse();
    }

    @Test
    void a_reload_that_leaves_the_rule_as_it_was_keeps_its_running_on_delay() throws Exception {
        start();
        read(LEVEL, 9);
        clock.advance(Duration.ofSeconds(10));

        alarms.configure(load(CONFIG));
        clock.advance(Duration.ofSeconds(19));
        assertThat(alarm(LEVEL, "lo").active()).isFalse();
        clock.advance(Duration.ofSeconds(1));

        assertThat(status(LEVEL, "lo")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
    }

    @Test
    void a_state_file_of_version_1_is_read_and_an_unreadable_one_is_a_warning_and_a_fresh_start() throws Exception {
        Path file = AlarmStateFile.in(dir).path();
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.writeString(file, "outpost-alarms 1\n"
                + "tank\tlevel\thi\tacknowledged\t1\t1000\t2000\talice\t2000\t0\t\n");
        start();
        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.ACKNOWLEDGED);
        assertThat(alarm(LEVEL, "hi").ackBy()).isEqualTo("alice");
        alarms.close();

        java.nio.file.Files.write(file, new byte[] {'o', 'u', 't', (byte) 0xff, (byte) 0xfe, 0, '\n', 0x7f});
        start();
        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.NORMAL);
        read(LEVEL, 91);
        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        alarms.close();

        java.nio.file.Files.writeString(file, AlarmStateFile.HEADER + "\n"
                + "tank\tlevel\tlo\tnormal\t0\t0\t0\t\t0\t0\t\tmaybe\tsoon\tr:9\tgood\n"
                + "tank\tlevel\thi\tunacknowledged\t1\t1000\t2000\t\t0\t0\t\t\t\t\t\n");
        start();
        assertThat(status(LEVEL, "hi")).as("the readable line is used").isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(status(LEVEL, "lo")).isEqualTo(AlarmStatus.NORMAL);
    }

    @Test
    void a_reload_keeps_the_state_of_alarms_that_stay_and_clears_the_retained_state_of_points_that_lost_theirs()
            throws Exception {
        start();
        read(LEVEL, 91);
        sink.clear();

        alarms.configure(load(CONFIG.replace("state: {values: [true], priority: low}", "{}")
                .replace("alarms:\n                      {}", "")));

        assertThat(status(LEVEL, "hi")).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(sink.on("plant/gw/alarms/tank/door")).singleElement()
                .satisfies(m -> assertThat(m.payload()).isEmpty());
    }
}
