package io.outpost.bench.jmh;

import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.PointConfig;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.report.PointState;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.mqtt.MqttEngine;
import io.outpost.mqtt.bridge.Bridge;
import io.outpost.mqtt.bridge.config.UpstreamsConfig;
import io.outpost.mqtt.bridge.config.UpstreamsSection;
import io.outpost.mqtt.broker.config.BrokerConfig;
import io.outpost.mqtt.broker.config.BrokerSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real reading path without field devices and without a reachable upstream, for benchmarks that feed it
 * samples themselves: the engine (retained store, routing, forwarder) and one upstream's durable store, fed by
 * {@code devices} Modbus devices of {@code points} float32 points each, reported on every read (deadband off).
 * Nothing is sent upstream, so every reading stays in the store.
 */
public final class ReadingPathRig implements AutoCloseable {

    private final MqttEngine engine;
    private final Bridge bridge;
    private final List<PointState[]> devices = new ArrayList<>();

    /** @param uplink {@code per-point} (one message per reading) or {@code cbor-batch} (batches per device) */
    public ReadingPathRig(Path dir, String uplink, int devices, int points, MeterRegistry meters) throws Exception {
        String rule = uplink.equals("per-point") ? "to: \"cloud/{topic}\""
                : "to: \"cloud/batch/{device}\", format: cbor-batch, batch: {by: device, max-delay: 50ms}";
        GatewayConfig config = siteConfig(dir, "upstreams:\n  - name: cloud\n    servers: [\"mqtt://127.0.0.1:1\"]\n"
                + "    store: {max-bytes: 4GB}\n"
                + "    forward: [{from: \"site/#\", qos: 1, " + rule + "}]\n", devices, points, "");
        engine = new MqttEngine(config.section(BrokerSection.KEY, BrokerConfig.class).orElseThrow(), meters,
                Clock.systemUTC());
        engine.restore();
        bridge = new Bridge(config.section(UpstreamsSection.KEY, UpstreamsConfig.class).orElseThrow(), config.gateway(),
                engine.localBroker(), meters);
        bridge.start();
        this.devices.addAll(pointStates(config));
    }

    /**
     * A site of {@code devices} Modbus devices of {@code points} float32 points each, reported on every read, with
     * {@code sections} (YAML) before the devices and {@code pointKeys} (", key: value ...") added to every point.
     */
    public static GatewayConfig siteConfig(Path dir, String sections, int devices, int points, String pointKeys)
            throws Exception {
        StringBuilder yaml = new StringBuilder("gateway: {id: bench, site: site, data-dir: " + dir + "}\n"
                + "broker: {listeners: []}\n" + sections + "devices:\n");
        for (int d = 0; d < devices; d++) {
            yaml.append("  - id: dev").append(d).append("\n    protocol: modbus\n")
                    .append("    connection: {host: 127.0.0.1, port: 1}\n    points:\n");
            for (int p = 0; p < points; p++) {
                yaml.append("      - {id: p").append(p).append(", address: ").append(40001 + 2 * p)
                        .append(", type: float32, report: every-read").append(pointKeys).append("}\n");
            }
        }
        return new ConfigLoader(AdapterCatalog.fromServiceLoader(), ConfigLoader.discoverSections(),
                PayloadFormats.standard().names(), Interpolator.system()).parse(yaml.toString(), dir.resolve("bench.yaml"));
    }

    /** Per device, a running state for each of its points, in configuration order. */
    public static List<PointState[]> pointStates(GatewayConfig config) {
        PayloadFormats formats = PayloadFormats.standard();
        List<PointState[]> states = new ArrayList<>();
        for (DeviceConfig d : config.devices()) {
            PointState[] device = new PointState[d.points().size()];
            for (int i = 0; i < device.length; i++) {
                PointConfig p = d.points().get(i);
                device[i] = new PointState(p, formats.get(p.publication().format()));
            }
            states.add(device);
        }
        return states;
    }

    public MqttEngine engine() {
        return engine;
    }

    /** Per device, the running state of its points, in configuration order. */
    public List<PointState[]> devices() {
        return devices;
    }

    /** Deletes a benchmark's temporary directory and everything in it. */
    public static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    public void close() {
        bridge.close();
        engine.close();
    }
}
