package io.outpost.bench.e2e;

import java.nio.file.Path;
import java.util.List;

/**
 * Writes the configuration file of a benchmark or soak gateway: what an OT engineer would write for the same site,
 * with the product's defaults wherever the run does not need another value.
 */
public final class GatewayYaml {

    /**
     * One forward rule of the upstream.
     *
     * @param options further keys of the rule in flow style ({@code format: cbor-batch, compression: zstd}), or empty
     */
    public record Forward(String from, String to, int qos, String options) {
        public Forward(String from, String to, int qos) {
            this(from, to, qos, "");
        }
    }

    private final StringBuilder devices = new StringBuilder();
    private final StringBuilder head = new StringBuilder();
    private final StringBuilder sections = new StringBuilder();

    /**
     * @param topic the publish topic template of every point (devices may override it)
     */
    public GatewayYaml(String id, String site, Path dataDir, String topic) {
        head.append("gateway: {id: ").append(id).append(", site: ").append(site).append(", data-dir: \"")
                .append(dataDir).append("\"}\n");
        head.append("publish: {topic: \"").append(topic).append("\"}\n");
    }

    /** The built-in broker on a loopback port, and the operations endpoint on another. */
    public GatewayYaml localPorts(int mqtt, int http) {
        sections.append("broker:\n  listeners:\n    - {name: local, type: tcp, bind: 127.0.0.1, port: ").append(mqtt)
                .append("}\n");
        sections.append("http: {bind: 127.0.0.1, port: ").append(http).append("}\n");
        return this;
    }

    /**
     * One upstream named {@code cloud} on {@code 127.0.0.1:port}.
     *
     * @param linkSettings extra upstream keys, one {@code key: value} per entry (keep-alive, stall-timeout, ...)
     */
    public GatewayYaml upstream(int port, List<Forward> rules, List<String> linkSettings) {
        sections.append("upstreams:\n  - name: cloud\n    servers: [\"mqtt://127.0.0.1:").append(port).append("\"]\n");
        for (String s : linkSettings) {
            sections.append("    ").append(s).append('\n');
        }
        sections.append("    forward:\n");
        for (Forward f : rules) {
            sections.append("      - {from: \"").append(f.from()).append("\", to: \"").append(f.to()).append("\", qos: ")
                    .append(f.qos()).append(f.options().isEmpty() ? "" : ", " + f.options()).append("}\n");
        }
        return this;
    }

    /**
     * A Modbus TCP device on loopback with every point of {@code map}.
     *
     * @param overrides extra device keys such as {@code topic: "..."} or {@code qos: 2}; may be empty
     */
    public GatewayYaml modbus(String id, int port, StampMap map, String pollInterval, List<String> overrides) {
        devices.append("  - id: ").append(id).append("\n    protocol: modbus\n    poll-interval: ").append(pollInterval)
                .append("\n    timeout: 2s\n    backoff: {initial: 500ms, max: 5s}\n")
                .append("    connection: {transport: tcp, host: 127.0.0.1, port: ").append(port).append("}\n");
        for (String o : overrides) {
            devices.append("    ").append(o).append('\n');
        }
        devices.append("    points:\n").append(map.pointsYaml("      "));
        return this;
    }

    /**
     * The OPC UA simulator's changing nodes, subscribed: the server sends the changes every {@code interval} (the
     * equivalent of a poll) and samples the nodes every 20 ms, as a PLC that reports by exception does, so that a
     * change waits for the next publication only, not for a sample and then a publication.
     */
    public GatewayYaml opcua(String id, int port, int nodes, String interval) {
        devices.append("  - id: ").append(id).append("\n    protocol: opcua\n    poll-interval: ").append(interval)
                .append("\n    connection: {endpoint: \"opc.tcp://127.0.0.1:").append(port)
                .append("/outpost\", security-policy: none, security-mode: none, trust-server: auto-accept}\n")
                .append("    subscription: {publishing-interval: ").append(interval).append("}\n")
                .append("    points:\n");
        for (int i = 0; i < nodes; i++) {
            devices.append("      - {id: n").append(String.format("%03d", i))
                    .append(", node: \"nsu=urn:outpost:simulator;s=Bench/").append(String.format("%05d", i))
                    .append("\", sampling-interval: 20ms}\n");
        }
        return this;
    }

    /** The BACnet simulator's analog inputs, polled with ReadPropertyMultiple; the gateway's own device on a free port. */
    public GatewayYaml bacnet(String id, int localPort, int devicePort, int instance, int firstObject, int objects,
                              String pollInterval) {
        sections.append("bacnet: {port: ").append(localPort).append(", bind: 127.0.0.1, broadcast: 127.0.0.1}\n");
        devices.append("  - id: ").append(id).append("\n    protocol: bacnet\n    poll-interval: ").append(pollInterval)
                .append("\n    connection: {device-instance: ").append(instance).append(", address: 127.0.0.1, port: ")
                .append(devicePort).append("}\n    points:\n");
        for (int i = 0; i < objects; i++) {
            devices.append("      - {id: b").append(String.format("%03d", i)).append(", object: analog-input:")
                    .append(firstObject + i).append("}\n");
        }
        return this;
    }

    public String text() {
        return head + sections.toString() + "devices:\n" + devices;
    }
}
