package io.outpost.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.outpost.app.demo.DemoCloud;
import io.outpost.app.demo.DemoConfig;
import io.outpost.app.demo.DemoSimulators;
import io.outpost.core.config.GatewayConfig;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import io.outpost.mqtt.broker.config.BrokerConfig;
import io.outpost.mqtt.broker.config.BrokerSection;
import io.outpost.app.demo.LoopbackPorts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "demo", description = {
    "Run a demo gateway on this machine: simulated Modbus, OPC UA and BACnet devices in-process, the built-in",
    "broker on loopback, and a second local broker playing the cloud. --outage-after/--outage-for take the cloud",
    "away for a while, so you can watch the backlog build and drain."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "Where the demo keeps its config, queues and state (default: ${DEFAULT-VALUE}).",
            defaultValue = "data/demo")
    Path dataDir;

    @Option(names = "--broker-port", description = "Local broker port (default: 1883, or a free one when taken).")
    Integer brokerPort;

    @Option(names = "--cloud-port", description = "Cloud broker port (default: 18830, or a free one when taken).")
    Integer cloudPort;

    @Option(names = "--http-port", description = "Web console port (default: 8480, or a free one when taken).")
    Integer httpPort;

    @Option(names = "--outage-after", description = "Take the uplink down this long after start, e.g. 60s.",
            converter = DurationConverter.class)
    Duration outageAfter;

    @Option(names = "--outage-for", description = "How long the uplink stays down (default: ${DEFAULT-VALUE}).",
            defaultValue = "60s", converter = DurationConverter.class)
    Duration outageFor;

    @Option(names = "--outage-every", description = "Repeat the outage with this period (after the first one).",
            converter = DurationConverter.class)
    Duration outageEvery;

    @Option(names = "--duration", description = "Stop after this long (default: run until Ctrl-C).",
            converter = DurationConverter.class)
    Duration duration;

    @Option(names = "--status-every", description = "Status line period (default: ${DEFAULT-VALUE}).",
            defaultValue = "5s", converter = DurationConverter.class)
    Duration statusEvery;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        int broker = LoopbackPorts.tcp(brokerPort, 1883);
        int http = LoopbackPorts.tcp(httpPort, 8480);
        int cloudBroker = LoopbackPorts.tcp(cloudPort, 18830);

        ConfigFiles files = new ConfigFiles();
        try (DemoSimulators sims = DemoSimulators.start(0, LoopbackPorts.anyTcp(), LoopbackPorts.anyUdp())) {
            DemoConfig.Ports ports = new DemoConfig.Ports(broker, http, cloudBroker, sims.modbusPort(), sims.opcuaPort(),
                    sims.bacnetPort(), LoopbackPorts.anyUdp());
            Path gatewayFile = dir.resolve("outpost-demo.yaml");
            Files.writeString(gatewayFile, DemoConfig.gateway(dir.toString(), ports));
            Path cloudFile = dir.resolve("cloud-broker.yaml");
            Files.writeString(cloudFile, DemoConfig.cloud(dir.toString(), cloudBroker));
            GatewayConfig cloudConfig = files.load(cloudFile);
            GatewayConfig config = files.load(gatewayFile);

            try (DemoCloud cloud = new DemoCloud(cloudConfig.section(BrokerSection.KEY, BrokerConfig.class).orElseThrow()).start()) {
                PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                Gateway gateway = Gateway.start(config, files, meters, System.getenv());
                ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                        io.outpost.core.runtime.CoreServices.named("outpost-demo-", true));
                CountDownLatch done = new CountDownLatch(1);
                try {
                    banner(out, gatewayFile, broker, cloudBroker, gateway.opsPort());
                    scheduleOutages(timer, cloud, out);
                    long started = System.nanoTime();
                    timer.scheduleAtFixedRate(() -> out.println(statusLine(meters, gateway, cloud, started)),
                            statusEvery.toMillis(), statusEvery.toMillis(), TimeUnit.MILLISECONDS);
                    if (duration != null) {
                        timer.schedule(done::countDown, duration.toMillis(), TimeUnit.MILLISECONDS);
                    }
                    Runtime.getRuntime().addShutdownHook(new Thread(done::countDown, "outpost-demo-stop"));
                    done.await();
                } finally {
                    timer.shutdownNow();
                    gateway.close();
                }
            }
        }
        out.println("demo stopped; its data stays in " + dir);
        return ExitCodes.OK;
    }

    private void scheduleOutages(ScheduledExecutorService timer, DemoCloud cloud, PrintWriter out) {
        if (outageAfter == null) {
            return;
        }
        Runnable outage = () -> {
            cloud.outage();
            out.println(">>> uplink outage: the cloud broker is down for " + outageFor.toSeconds() + " s");
            timer.schedule(() -> {
                try {
                    cloud.restore();
                    out.println(">>> uplink restored");
                } catch (IOException e) {
                    out.println(">>> the cloud broker could not start again: " + e.getMessage());
                }
            }, outageFor.toMillis(), TimeUnit.MILLISECONDS);
        };
        if (outageEvery == null) {
            timer.schedule(outage, outageAfter.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            timer.scheduleAtFixedRate(outage, outageAfter.toMillis(), outageEvery.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static void banner(PrintWriter out, Path config, int broker, int cloud, int http) {
        out.println();
        out.println("Outpost demo is running.");
        out.println("  simulated devices  tank (Modbus TCP), boiler (OPC UA), ahu (BACnet/IP), all on 127.0.0.1");
        out.println("  configuration      " + config);
        out.println("  local broker       mqtt://127.0.0.1:" + broker + "   (where HMIs and scripts subscribe)");
        out.println("  cloud broker       mqtt://127.0.0.1:" + cloud + "  (plays the cloud; the bridge forwards demo/# as cloud/demo/#)");
        out.println("  web console        http://127.0.0.1:" + http + "/");
        out.println();
        out.println("Watch it:");
        out.println("  mosquitto_sub -h 127.0.0.1 -p " + broker + " -t 'demo/#' -v          # what the gateway publishes");
        out.println("  mosquitto_sub -h 127.0.0.1 -p " + cloud + " -t 'cloud/#' -v         # what reaches the cloud");
        out.println("  mosquitto_pub -h 127.0.0.1 -p " + broker + " -t demo/tank/setpoint/set -m 7.5   # write a setpoint");
        out.println("  (mosquitto-clients: apt-get install mosquitto-clients)   Stop with Ctrl-C.");
        out.println();
    }

    private static String statusLine(PrometheusMeterRegistry meters, Gateway gateway, DemoCloud cloud, long started) {
        double read = meters.find("outpost.points.read").counters().stream().mapToDouble(c -> c.count()).sum();
        double reported = meters.find("outpost.points.reported").counters().stream().mapToDouble(c -> c.count()).sum();
        StringBuilder line = new StringBuilder(String.format("[%4ds] points read %,.0f, published %,.0f",
                (System.nanoTime() - started) / 1_000_000_000, read, reported));
        gateway.runtime().statuses().forEach((id, s) -> line.append(", ").append(id).append(' ')
                .append(s.state().name().toLowerCase()));
        for (UpstreamStatus u : gateway.upstreamStatus()) {
            line.append(String.format(" | uplink %s %s: forwarded %,d, queued %,d%s", u.upstream(), u.state(), u.acked(),
                    u.queuedMessages(), cloud.up() ? "" : " (OUTAGE)"));
        }
        return line.toString();
    }
}
