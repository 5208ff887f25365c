package io.outpost.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.Secret;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.history.HistoryService;
import io.outpost.core.logic.alarm.AlarmService;
import io.outpost.core.logic.alarm.AlarmSnapshot;
import io.outpost.core.logic.alarm.AlarmStateFile;
import io.outpost.core.logic.alarm.AlarmStatus;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.Value;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.testing.CoreHarness;
import io.outpost.core.testing.TestAdapterFactory;
import io.outpost.mqtt.MqttEngine;
import io.outpost.mqtt.broker.config.BrokerConfig;
import io.outpost.mqtt.broker.config.BrokerSection;
import io.outpost.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's alarm list, its acknowledge and shelve (logged in, checked against the broker's ACL at the click,
 * recorded with the user) and the per-point trend, over real HTTP with the core on a manual clock and the MQTT
 * engine's ACL.
 */
class ConsoleAlarmsTest {

    private static final String CONFIG = """
            gateway: {id: gw, site: site, data-dir: /tmp/outpost-test}
            broker:
              listeners: []
              acl:
                - {user: alice, topic: "site/gw/alarms/tank/#", access: readwrite}
                - {user: bob, topic: "site/#", access: read}
            devices:
              - id: tank
                protocol: test
                poll-interval: 1s
                points:
                  - id: level
                    address: 1
                    type: float64
                    alarms: {hi: {limit: 90, priority: high, message: Tank level high}}
            """;

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private CoreHarness core;
    private MqttEngine engine;
    private AlarmService alarms;
    private HistoryService history;
    private OpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (alarms != null) {
            alarms.close();
        }
        if (core != null) {
            core.close();
        }
    }

    private void start(String user, String password) throws Exception {
        GatewayConfig withBroker = new ConfigLoader(new AdapterCatalog(List.of(new TestAdapterFactory())),
                List.of(new BrokerSection()), PayloadFormats.standard().names(), new Interpolator(n -> null))
                .parse(CONFIG.replace("/tmp/outpost-test", dir.toString()), dir.resolve("gw.yaml"));
        engine = new MqttEngine(withBroker.section(BrokerSection.KEY, BrokerConfig.class).orElseThrow(),
                new SimpleMeterRegistry(), Clock.systemUTC());
        core = new CoreHarness(CONFIG.replaceAll("(?s)broker:.*?devices:", "devices:"));
        alarms = new AlarmService(core.config.gateway(), core.scheduler, core.sink, AlarmStateFile.in(dir),
                Runnable::run);
        alarms.configure(core.config);
        history = new HistoryService(dir.resolve("history"), core.scheduler.clock());
        history.configure(core.config);
        core.runtime.observeReadings(samples -> {
            alarms.observe(samples);
            history.observe(samples);
        });
        core.start();
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HealthMonitor health = new HealthMonitor(core.scheduler::nanoTime);
        MetricsHistory metrics = new MetricsHistory(List::of, () -> 0);
        JsonApi api = new JsonApi(core.runtime, List::of, health, metrics, new RecentEvents(10), Clock.systemUTC(), "t");
        OpsConfig ops = new OpsConfig(true, "127.0.0.1", FreePorts.tcp(), user,
                password == null ? null : new Secret(password), false, null, null, List.of());
        server = new OpsServer(ops, api, health, prometheus, metrics,
                new ConsoleLogic(alarms, history, engine::userMayPublish)).start();
        core.device("tank").set("level", Value.of(95.0));
        core.advance(Duration.ofSeconds(1));
        assertThat(hi().status()).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
    }

    private AlarmSnapshot hi() {
        return alarms.alarms().get(0);
    }

    private HttpResponse<String> send(String method, String path, String body, String user, boolean consoleHeader)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":pw-" + user).getBytes(StandardCharsets.UTF_8)));
        }
        if (consoleHeader) {
            b.header(OpsServer.CONSOLE_HEADER, "1");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_logged_in_user_whom_the_acl_allows_acknowledges_from_the_console_and_is_recorded() throws Exception {
        start("alice", "pw-alice");

        assertThat(send("GET", "/api/alarms", null, "alice", false).body()).contains("\"id\":\"tank/level/hi\"",
                "\"state\":\"unacknowledged\"", "\"priority\":\"high\"", "\"message\":\"Tank level high\"");
        HttpResponse<String> ack = send("POST", OpsServer.ACT, "point=tank/level&action=acknowledge&alarm=hi",
                "alice", true);

        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        assertThat(hi().status()).isEqualTo(AlarmStatus.ACKNOWLEDGED);
        assertThat(hi().ackBy()).isEqualTo("alice");
        assertThat(core.sink.payloads("site/gw/alarms/tank/level/event").get(1)).contains("\"by\":\"alice\"",
                "\"client\":\"127.0.0.1\"", "\"via\":\"console\"");

        HttpResponse<String> shelve = send("POST", OpsServer.ACT,
                "point=tank/level&action=shelve&alarm=hi&for=1h&comment=transmitter+swap", "alice", true);
        assertThat(shelve.statusCode()).isEqualTo(200);
        assertThat(hi().status()).isEqualTo(AlarmStatus.SHELVED);
        assertThat(hi().shelvedBy()).isEqualTo("alice");
    }

    @Test
    void a_user_the_acl_does_not_allow_is_refused_and_nothing_changes() throws Exception {
        start("bob", "pw-bob");

        HttpResponse<String> ack = send("POST", OpsServer.ACT, "point=tank/level&action=acknowledge", "bob", true);

        assertThat(ack.statusCode()).isEqualTo(403);
        assertThat(ack.body()).contains("\"error\":\"not-authorised\"", "broker ACL");
        assertThat(hi().status()).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
    }

    @Test
    void without_a_console_login_or_without_the_console_header_nobody_acts() throws Exception {
        start(null, null);
        HttpResponse<String> anonymous = send("POST", OpsServer.ACT, "point=tank/level&action=acknowledge", null, true);
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.body()).contains("needs a console login");
        server.close();
        alarms.close();
        engine.close();
        core.close();
        server = null;

        start("alice", "pw-alice");
        HttpResponse<String> crossSite = send("POST", OpsServer.ACT, "point=tank/level&action=acknowledge", "alice",
                false);
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(hi().status()).isEqualTo(AlarmStatus.UNACKNOWLEDGED);
        assertThat(send("POST", "/api/alarms", "", "alice", true).statusCode()).isEqualTo(405);
    }

    @Test
    void the_trend_of_a_point_has_its_buckets_for_the_last_hour() throws Exception {
        start("alice", "pw-alice");
        for (int i = 0; i < 60; i++) {
            core.device("tank").set("level", Value.of(50.0 + i % 3));
            core.advance(Duration.ofSeconds(1));
        }

        String hour = send("GET", "/api/trend?point=tank/level&window=hour", null, "alice", false).body();
        String day = send("GET", "/api/trend?point=tank/level&window=day", null, "alice", false).body();

        assertThat(hour).startsWith("{\"point\":\"tank/level\",\"window\":\"hour\",\"bucketSeconds\":30,\"buckets\":[")
                .contains("\"min\":50.0,\"max\":52.0", "\"quality\":\"good\"");
        assertThat(day).contains("\"window\":\"day\",\"bucketSeconds\":300", "\"max\":95.0");
    }
}
