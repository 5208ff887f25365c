package io.outpost.app.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.outpost.core.config.Secret;
import io.outpost.core.point.Value;
import io.outpost.core.testing.CoreHarness;
import io.outpost.core.testing.TestAdapter;
import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operations endpoint over real HTTP, with the core on a manual clock. */
class OpsServerTest {

    private static final String CONFIG = """
            gateway: {id: gw, site: site, data-dir: /tmp/outpost-test}
            devices:
              - id: pump
                protocol: test
                poll-interval: 1s
                timeout: 1s
                backoff: {initial: 1s, max: 4s, jitter: 0}
                points:
                  - {id: speed, address: 1, type: float64, unit: rpm}
                  - {id: running, address: 2, type: bool}
            """;

    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private CoreHarness core;
    private OpsServer server;
    private RecentEvents events;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (events != null) {
            events.detach();
        }
        core.close();
    }

    private TestAdapter start(OpsConfig config) throws Exception {
        return start(config, null);
    }

    /** With {@code loops} null, the server makes and ends its own. */
    private TestAdapter start(OpsConfig config, EventLoopGroup loops) throws Exception {
        core = new CoreHarness(CONFIG, CoreHarness.seededRandom(), 1_000, prometheus).start();
        new JvmMemoryMetrics().bindTo(prometheus);
        HealthMonitor health = new HealthMonitor(core.scheduler::nanoTime);
        health.add(new CoreHealth(core.runtime, core.scheduler.nanoTime()));
        events = new RecentEvents(50).attach();
        MetricsHistory history = new MetricsHistory(List::of, () -> 0);
        JsonApi api = new JsonApi(core.runtime, List::of, health, history, events, Clock.systemUTC(), "test");
        server = (loops == null ? new OpsServer(config, api, health, prometheus, history)
                : new OpsServer(config, api, health, prometheus, history, ConsoleLogic.none(), loops)).start();
        return core.device("pump");
    }

    private static OpsConfig loopback() {
        return new OpsConfig(true, "127.0.0.1", FreePorts.tcp(), null, null, false, null, null, List.of("gw7.plant.example"));
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void closing_a_server_on_shared_loops_closes_its_open_connections_and_leaves_the_loops_running() throws Exception {
        EventLoopGroup shared = new NioEventLoopGroup(1);
        try {
            start(loopback(), shared);
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(5_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                String head = readHead(in);
                assertThat(head).startsWith("HTTP/1.1 ");
                in.readNBytes(contentLength(head));

                server.close();
                server = null;

                // The keep-alive connection ends with the server, not 60 s later when its read timeout fires.
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(shared.isShuttingDown()).isFalse();
            assertThat(shared.submit(() -> 42).get(5, TimeUnit.SECONDS)).isEqualTo(42);
        } finally {
            shared.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the connection ended inside the response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("no content-length in " + head);
    }

    @Test
    void health_turns_unhealthy_when_the_engine_stops_accepting_and_healthy_after_recovery() throws Exception {
        TestAdapter pump = start(loopback());
        pump.set("speed", Value.of(1450.0));
        pump.set("running", Value.of(true));
        core.advance(Duration.ofSeconds(2));
        assertThat(get("/health").statusCode()).isEqualTo(200);

        core.sink.holdAcceptance();
        for (int i = 0; i < 40; i++) {
            pump.set("speed", Value.of(1000.0 + i));
            core.advance(Duration.ofSeconds(1));
        }

        HttpResponse<String> stalled = get("/health");
        assertThat(stalled.statusCode()).isEqualTo(503);
        assertThat(stalled.body()).contains("\"status\":\"unhealthy\"").contains("\"component\":\"engine\",\"healthy\":false");

        core.sink.acceptPending();
        core.advance(Duration.ofSeconds(1));
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void health_turns_unhealthy_when_a_device_loop_hangs_and_healthy_after_it_resumes() throws Exception {
        TestAdapter pump = start(loopback());
        pump.set("speed", Value.of(1.0));
        core.advance(Duration.ofSeconds(2));
        pump.mode(TestAdapter.Mode.HANG); // the adapter never answers: the loop can make no further attempt

        core.advance(Duration.ofSeconds(25)); // expected gap 4 s backoff + 1 s timeout; stalled after 2 x 5 + 10 s

        HttpResponse<String> stalled = get("/health");
        assertThat(stalled.statusCode()).isEqualTo(503);
        assertThat(stalled.body()).contains("\"component\":\"device:pump\",\"healthy\":false");

        pump.mode(TestAdapter.Mode.ANSWER);
        pump.releaseHanging();
        core.advance(Duration.ofSeconds(6));
        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void a_device_that_is_down_but_retried_keeps_the_gateway_healthy() throws Exception {
        TestAdapter pump = start(loopback());
        pump.failWith("connect-refused");

        core.advance(Duration.ofMinutes(5));

        HttpResponse<String> h = get("/health");
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(h.body()).contains("offline (connect-refused), retrying");
    }

    @Test
    void metrics_are_prometheus_text_that_an_independent_parser_reads() throws Exception {
        TestAdapter pump = start(loopback());
        pump.set("speed", Value.of(3.0));
        core.advance(Duration.ofSeconds(3));

        HttpResponse<String> metrics = get("/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type")).get().asString().startsWith("text/plain; version=0.0.4");
        assertThat(metrics.body()).contains("outpost_points_read_total{device=\"pump\"} 8.0"); // 2 points at 0, 1, 2 and 3 s
        assumeTrue(ExternalProcess.available("/usr/bin/python3"), "python3 is missing");
        Path text = dir.resolve("metrics.txt");
        Files.writeString(text, metrics.body());
        ExternalProcess parser = ExternalProcess.start("prometheus-parser", List.of("/usr/bin/python3", "-c", """
                import sys
                try:
                    from prometheus_client.parser import text_string_to_metric_families
                except ImportError:
                    print("MISSING"); sys.exit(0)
                families = list(text_string_to_metric_families(open(sys.argv[1]).read()))
                for f in families:
                    print("FAMILY", f.name, f.type, len(f.samples))
                """, text.toString()), dir);
        assertThat(parser.waitFor(Duration.ofSeconds(30))).as(String.join("\n", parser.output())).isZero();
        assumeTrue(!parser.output().contains("MISSING"), "Debian python3-prometheus-client is not installed");
        assertThat(parser.output()).anyMatch(l -> l.startsWith("FAMILY outpost_points_read counter"))
                .anyMatch(l -> l.startsWith("FAMILY outpost_poll_duration_seconds"))
                .anyMatch(l -> l.startsWith("FAMILY jvm_memory_used_bytes gauge"));
    }

    @Test
    void api_lists_devices_and_filtered_points_and_the_console_is_served() throws Exception {
        TestAdapter pump = start(loopback());
        pump.set("speed", Value.of(1450.5));
        pump.set("running", Value.of(true));
        core.advance(Duration.ofSeconds(1));

        assertThat(get("/api/devices").body()).contains("\"id\":\"pump\",\"protocol\":\"test\",\"state\":\"online\"");
        String points = get("/api/points?q=rpm").body();
        assertThat(points).contains("\"point\":\"speed\",\"value\":1450.5,\"quality\":\"good\"").doesNotContain("running");
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Outpost</title>").contains("/api/points");
        assertThat(get("/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void basic_auth_protects_every_path_when_configured() throws Exception {
        start(new OpsConfig(true, "127.0.0.1", FreePorts.tcp(), "ops", new Secret("pa55"), false, null, null, List.of()));
        String good = "Basic " + Base64.getEncoder().encodeToString("ops:pa55".getBytes(StandardCharsets.UTF_8));
        String bad = "Basic " + Base64.getEncoder().encodeToString("ops:wrong".getBytes(StandardCharsets.UTF_8));

        assertThat(get("/health").statusCode()).isEqualTo(401);
        assertThat(get("/metrics", "Authorization", bad).statusCode()).isEqualTo(401);
        assertThat(get("/health", "Authorization", good).statusCode()).isEqualTo(200);
    }

    /** A request with any Host header, as a DNS-rebinding page in a browser would send it. */
    private String raw(String host, String path) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                    + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void requests_naming_a_foreign_host_are_refused_before_anything_is_read_dns_rebinding() throws Exception {
        start(loopback());

        String rebound = raw("attacker.example:" + server.port(), "/api/points");
        assertThat(rebound).startsWith("HTTP/1.1 421").doesNotContain("\"point\"");
        assertThat(raw(null, "/health")).startsWith("HTTP/1.1 421");
        assertThat(raw("localhost.attacker.example", "/health")).startsWith("HTTP/1.1 421");

        assertThat(raw("127.0.0.1:" + server.port(), "/health")).startsWith("HTTP/1.1 200");
        assertThat(raw("localhost:" + server.port(), "/health")).startsWith("HTTP/1.1 200");
        assertThat(raw("[::1]:" + server.port(), "/health")).startsWith("HTTP/1.1 200");
        assertThat(raw("GW7.plant.example", "/health")).as("configured in allowed-hosts").startsWith("HTTP/1.1 200");
    }

    @Test
    void every_response_carries_nosniff_no_framing_and_a_content_security_policy() throws Exception {
        start(loopback());

        for (String path : List.of("/", "/health", "/api/devices", "/nope")) {
            HttpResponse<String> r = get(path);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).hasValueSatisfying(csp ->
                    assertThat(csp).contains("default-src 'none'").contains("frame-ancestors 'none'")
                            .contains("connect-src 'self'").containsPattern("script-src 'sha256-[A-Za-z0-9+/=]+'")
                            .doesNotContain("unsafe-inline"));
        }
    }
}
