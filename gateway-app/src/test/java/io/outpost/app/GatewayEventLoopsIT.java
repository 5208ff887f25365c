package io.outpost.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outpost.app.fleet.FleetAgent;
import io.outpost.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway makes its Netty event loops and ends them (EventLoops): the operations endpoint and the fleet agent's
 * link share one loop, the broker has loops of its own, and closing the gateway ends them all.
 */
class GatewayEventLoopsIT {

    @TempDir
    Path dir;

    @Test
    void the_ops_endpoint_and_the_fleet_link_share_one_control_loop_and_closing_the_gateway_ends_every_loop()
            throws Exception {
        int http = FreePorts.tcp();
        // The cloud: accepts connections and never answers, so the bridge and the fleet link each hold one open.
        ServerSocket cloud = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(cloud.accept());
                }
            } catch (IOException closed) {
                // the test closed the server socket: done
            }
        }, "test-cloud-accept");
        acceptor.start();
        Path file = dir.resolve("outpost.yaml");
        Files.writeString(file, """
                gateway: {id: gw1, site: site, data-dir: %s}
                broker: {listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: %d}]}
                http: {port: %d}
                upstreams:
                  - name: cloud
                    servers: ["mqtt://127.0.0.1:%d"]
                    forward: [{from: "site/#", qos: 1}]
                devices:
                  - id: pump
                    protocol: modbus
                    poll-interval: 1s
                    connection: {host: 127.0.0.1, port: %d}
                    points: [{id: speed, address: 40001, type: uint16}]
                fleet: {birth-min-interval: 0s}
                """.formatted(dir.resolve("data"), FreePorts.tcp(), http, cloud.getLocalPort(), FreePorts.tcp()));
        ConfigFiles files = new ConfigFiles();
        Gateway gateway = Gateway.start(files.load(file), files, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Map.of());
        FleetAgent agent = FleetAgents.start(gateway, files, file);
        try {
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isIn(200, 503);
            // Both links are on their loops once the cloud has accepted their connections.
            await().atMost(Duration.ofSeconds(20)).until(() -> accepted.size() >= 2);

            assertThat(threads("outpost-ops-io")).hasSize(1);
            assertThat(threads("outpost-broker-io")).isNotEmpty();
            // The loops the endpoint and the fleet link had of their own before they shared one.
            assertThat(threads("outpost-http-")).isEmpty();
            assertThat(threads("outpost-fleet-io")).isEmpty();
        } finally {
            agent.close();
            gateway.close();
            cloud.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(threads("outpost-ops-io")).isEmpty();
            assertThat(threads("outpost-broker-io")).isEmpty();
        });
    }

    private static List<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).toList();
    }
}
