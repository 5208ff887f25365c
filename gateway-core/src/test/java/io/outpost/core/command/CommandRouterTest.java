package io.outpost.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.outpost.core.message.CommandMessage;
import io.outpost.core.message.Message;
import io.outpost.core.message.UserProperty;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Value;
import io.outpost.core.testing.CoreHarness;
import io.outpost.core.testing.TestAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CommandRouterTest {

    private static final String CONFIG = """
            gateway: {id: gw, site: site, data-dir: /tmp/outpost-test}
            devices:
              - id: dev
                protocol: test
                points:
                  - {id: setpoint, address: 1, type: int16, scale: 0.1, range: [0, 100], writable: true}
                  - {id: pump, address: 2, type: bool, writable: true}
                  - {id: label, address: 3, type: string, writable: true}
                  - {id: level, address: 4, type: float32}
                  - {id: learned, address: 5, writable: true}
            """;

    private CoreHarness core;
    private TestAdapter dev;

    @BeforeEach
    void start() throws Exception {
        core = new CoreHarness(CONFIG).start();
        dev = core.device("dev");
        core.advance(Duration.ofMillis(10));
    }

    @AfterEach
    void close() {
        core.close();
    }

    private void command(String topic, String payload) {
        core.runtime.commands().handle(CommandMessage.of(topic, payload.getBytes(StandardCharsets.UTF_8)));
        core.advance(Duration.ofMillis(10));
    }

    @Test
    void only_writable_points_have_command_topics() {
        assertThat(core.runtime.commands().topics())
                .containsExactlyInAnyOrder("site/dev/setpoint/set", "site/dev/pump/set", "site/dev/label/set",
                        "site/dev/learned/set");
    }

    @Test
    void scaled_write_sends_the_raw_value_and_publishes_the_result_then_reads_back() {
        int readsBefore = dev.reads().size();

        command("site/dev/setpoint/set", "{\"value\": 42.5, \"id\": \"req-7\"}");

        assertThat(dev.writes()).containsExactly(Map.entry("setpoint", Value.of(425)));
        assertThat(core.sink.payloads("site/dev/setpoint/set/result")).singleElement().asString()
                .startsWith("{\"ok\":true,\"point\":\"dev/setpoint\",\"value\":42.5,\"ts\":").endsWith(",\"id\":\"req-7\"}");
        assertThat(dev.reads().size()).isEqualTo(readsBefore + 1);
        assertThat(dev.reads().get(dev.reads().size() - 1)).containsExactly("setpoint");
        assertThat(core.sink.payloads("site/dev/setpoint")).last().asString().startsWith("{\"value\":42.5,");
    }

    @Test
    void value_outside_the_range_is_refused_before_the_device() {
        command("site/dev/setpoint/set", "150");

        assertThat(dev.writes()).isEmpty();
        assertThat(core.sink.payloads("site/dev/setpoint/set/result")).singleElement().asString()
                .contains("\"ok\":false").contains("\"error\":\"out-of-range\"");
    }

    @Test
    void bare_words_and_booleans_are_accepted() {
        command("site/dev/pump/set", "on");
        command("site/dev/label/set", "AUTO");
        command("site/dev/pump/set", "false");

        assertThat(dev.writes()).containsExactly(Map.entry("pump", Value.of(true)), Map.entry("label", Value.of("AUTO")),
                Map.entry("pump", Value.of(false)));
    }

    @Test
    void point_without_type_takes_an_array_for_the_adapter_to_convert() {
        command("site/dev/learned/set", "[1, 2.5, true]");
        command("site/dev/learned/set", "[[1]]");

        assertThat(dev.writes()).containsExactly(Map.entry("learned",
                new Value.Array(java.util.List.of(Value.of(1), Value.of(2.5), Value.of(true)))));
        assertThat(core.sink.payloads("site/dev/learned/set/result")).last().asString()
                .contains("\"error\":\"conversion-error\"");
    }

    @Test
    void wrong_type_is_a_conversion_error() {
        command("site/dev/pump/set", "\"maybe\"");

        assertThat(core.sink.payloads("site/dev/pump/set/result")).singleElement().asString()
                .contains("\"error\":\"conversion-error\"").contains("expected true or false");
    }

    @Test
    void device_failure_is_published_with_its_reason() {
        dev.failWith("device-exception:02");

        command("site/dev/pump/set", "true");

        assertThat(core.sink.payloads("site/dev/pump/set/result")).singleElement().asString()
                .contains("\"ok\":false").contains("\"error\":\"device-exception:02\"");
    }

    @Test
    void mqtt5_response_topic_and_correlation_data_are_honoured() {
        byte[] correlation = {1, 2, 3};
        core.runtime.commands().handle(new CommandMessage("site/dev/pump/set", "true".getBytes(StandardCharsets.UTF_8),
                "replies/hmi-1", correlation, List.of(new UserProperty("k", "v"))));
        core.advance(Duration.ofMillis(10));

        assertThat(core.sink.on("site/dev/pump/set/result")).isEmpty();
        Message reply = core.sink.on("replies/hmi-1").get(0);
        assertThat(reply.correlationData()).containsExactly(1, 2, 3);
        assertThat(new String(reply.payload(), StandardCharsets.UTF_8)).contains("\"ok\":true");
    }

    @Test
    void a_command_whose_response_topic_is_a_command_topic_is_refused_without_writing() {
        core.runtime.commands().handle(new CommandMessage("site/dev/pump/set", "true".getBytes(StandardCharsets.UTF_8),
                "site/dev/setpoint/set", new byte[] {9}, List.of()));
        core.advance(Duration.ofMillis(10));

        assertThat(dev.writes()).as("neither the pump nor, through the answer, the setpoint").isEmpty();
        assertThat(core.sink.on("site/dev/setpoint/set")).isEmpty();
        Message refusal = core.sink.on("site/dev/pump/set/result").get(0);
        assertThat(new String(refusal.payload(), StandardCharsets.UTF_8)).contains("\"ok\":false",
                "\"error\":\"response-topic-refused\"");
        assertThat(refusal.correlationData()).containsExactly(9);
    }

    @Test
    void invalid_json_is_refused_with_a_reason() {
        command("site/dev/setpoint/set", "{\"value\": ");

        assertThat(core.sink.payloads("site/dev/setpoint/set/result")).singleElement().asString()
                .contains("\"error\":\"bad-payload\"");
    }

    @Test
    void null_asks_to_relinquish_and_a_protocol_without_priorities_refuses_it_with_a_reason() {
        command("site/dev/setpoint/set", "null");

        assertThat(dev.writes()).isEmpty();
        assertThat(core.sink.payloads("site/dev/setpoint/set/result")).singleElement().asString()
                .contains("\"ok\":false").contains("\"error\":\"relinquish-not-supported\"");
    }

    @Test
    void relinquish_is_asked_for_by_null_value_or_relinquish_key_and_an_empty_object_stays_an_error() throws Exception {
        assertThat(CommandPayload.parse("null".getBytes(StandardCharsets.UTF_8)).relinquish()).isTrue();
        assertThat(CommandPayload.parse("{\"value\": null, \"id\": \"r1\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new CommandPayload(null, "r1", true));
        assertThat(CommandPayload.parse("{\"relinquish\": true}".getBytes(StandardCharsets.UTF_8)).relinquish()).isTrue();
        assertThat(CommandPayload.parse("{\"value\": 3}".getBytes(StandardCharsets.UTF_8)).relinquish()).isFalse();
        assertThatThrownBy(() -> CommandPayload.parse("{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CommandRejectedException.class).hasMessageContaining("no value");
        assertThatThrownBy(
                () -> CommandPayload.parse("{\"relinquish\": true, \"value\": 1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CommandRejectedException.class).hasMessageContaining("not both");
    }

    @Test
    void a_write_from_outside_mqtt_takes_the_same_checks_and_reports_the_device_answer() throws Exception {
        var scaled = core.runtime.commands().write(new PointRef("dev", "setpoint"), new CommandPayload(42.5, null));
        core.advance(Duration.ofMillis(10));
        var outside = core.runtime.commands().write(new PointRef("dev", "setpoint"), new CommandPayload(150L, null));
        var readOnly = core.runtime.commands().write(new PointRef("dev", "level"), new CommandPayload(1L, null));
        dev.failWith("timeout");
        var failing = core.runtime.commands().write(new PointRef("dev", "setpoint"), new CommandPayload(1L, null));
        core.advance(Duration.ofMillis(10));

        assertThat(scaled.toCompletableFuture().get()).isEqualTo(
                new CommandRouter.WriteOutcome(new PointRef("dev", "setpoint"), false, null, null));
        assertThat(dev.writes()).containsExactly(Map.entry("setpoint", Value.of(425)));
        assertThat(outside.toCompletableFuture().get()).satisfies(o -> {
            assertThat(o.refused()).isTrue();
            assertThat(o.error()).isEqualTo("out-of-range");
        });
        assertThat(readOnly.toCompletableFuture().get().error()).isEqualTo("not-writable");
        assertThat(failing.toCompletableFuture().get()).satisfies(o -> {
            assertThat(o.refused()).isFalse();
            assertThat(o.error()).isEqualTo("timeout");
        });
        assertThat(core.sink.payloads("site/dev/setpoint/set/result")).as("no MQTT result for a direct write").isEmpty();
    }
}
