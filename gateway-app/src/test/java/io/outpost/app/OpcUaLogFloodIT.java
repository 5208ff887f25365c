package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.adapter.opcua.sim.OpcUaSimulator;
import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: while an OPC UA server's certificate is not trusted, the packaged gateway (its own logging
 * configuration) logs one line for the certificate and no stack traces however often it retries, and the device
 * status names the file to move.
 */
class OpcUaLogFloodIT {

    private static final Pattern FAILURES = Pattern.compile(
            "(?m)^outpost_opcua_connect_failures_total\\{device=\"plc\"[^}]*} ([0-9.]+)");

    @TempDir
    Path dir;

    @Test
    void an_untrusted_server_certificate_is_one_log_line_without_stack_traces_whatever_the_retries() throws Exception {
        int http = FreePorts.tcp();
        try (OpcUaSimulator sim = OpcUaSimulator.builder().port(FreePorts.tcp()).motion(Duration.ZERO)
                .securityPolicies(Set.of(SecurityPolicy.Basic256Sha256)).build().start()) {
            Path config = dir.resolve("site.yaml");
            Files.writeString(config, """
                    gateway: {id: gw, data-dir: %s}
                    broker: {listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: %d}]}
                    http: {port: %d}
                    devices:
                      - id: plc
                        protocol: opcua
                        backoff: {initial: 200ms, max: 500ms}
                        connection: {endpoint: "%s", security-policy: basic256sha256}
                        points:
                          - {id: answer, node: "%s"}
                    """.formatted(dir.resolve("data"), FreePorts.tcp(), http, sim.endpointUrl(),
                    sim.nodeId("Test/ReadOnly")));
            List<String> command = List.of("java", "-Xmx256m", "-jar", DemoIT.applicationJar().toString(), "run",
                    config.toString());
            try (ExternalProcess gateway = ExternalProcess.start("outpost-run", command, dir)) {
                HttpClient client = HttpClient.newHttpClient();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                    Matcher m = FAILURES.matcher(get(client, http, "/metrics"));
                    return m.find() && Double.parseDouble(m.group(1)) >= 6;
                });
                Path rejected = dir.resolve("data/opcua/rejected");
                try (var files = Files.list(rejected)) {
                    // Only the .der counts: the gateway writes NAME.der.tmp first and renames it.
                    Path file = files.filter(f -> f.getFileName().toString().endsWith(".der")).findFirst().orElseThrow();
                    assertThat(get(client, http, "/api/devices"))
                            .contains("\"reason\":\"server certificate not trusted: " + file + "\"");
                }
                List<String> output = gateway.output();
                assertThat(output).as(String.join("\n", output)).filteredOn(l -> l.contains("is not trusted")).hasSize(1);
                assertThat(output).as("no stack traces").noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by"))
                        .noneMatch(l -> l.contains("trustAnchors"));
            }
        }
    }

    private static String get(HttpClient client, int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
