package io.outpost.bench.fleet;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.app.fleet.ConfigHistory;
import io.outpost.app.fleet.Ed25519Keys;
import io.outpost.app.fleet.FleetAgent;
import io.outpost.app.fleet.FleetClient;
import io.outpost.app.fleet.FleetRollout;
import io.outpost.bench.e2e.GatewayProcess;
import io.outpost.bench.e2e.ProcessSample;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.runtime.CoreServices;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.ServerUri;
import io.outpost.mqtt.bridge.config.UpstreamTlsConfig;
import io.outpost.mqtt.bridge.control.ControlLink;
import io.outpost.mqtt.bridge.control.ControlSettings;
import io.outpost.testing.FreePorts;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The fleet at scale (issue 18): many simulated gateways, each running the real {@link FleetAgent} (birth, signed
 * configuration check, validation by the gateway's own config loader, the history on disk with its fsyncs, results)
 * over a real {@link ControlLink} to the cloud broker, sharing one JVM (a few IO threads and a few agent threads for
 * all of them), plus a few real gateway processes ({@code outpost run}), receive one staged push through
 * {@link FleetRollout} (what {@code outpost fleet push --to 'sim-*' --canary 5%} runs). Measures, for every gateway,
 * the time from its stage's start (and from the push's start) to its {@code applied} result arriving at the command
 * line's connection, the time to the whole rollout being healthy, the broker's message counters and the memory of
 * this JVM. What is simulated is only the runtime under each agent: {@link SimulatedGatewayHost}.
 */
public final class FleetSimulation {

    /**
     * @param gateways         simulated gateways
     * @param processes        real gateway processes
     * @param broker           {@code mosquitto} or {@code rabbitmq} (a two-node cluster)
     * @param canary           {@code --canary} of the push (e.g. {@code 5%})
     * @param grace            the gateways' grace period
     * @param threads          IO threads, agent threads and link threads shared by the simulated gateways (each)
     * @param gatewayClassPath the gateway application's class path for the real processes
     * @param work             work folder (gateways' folders, logs, broker data)
     * @param stageTimeout     how long a stage may take
     */
    public record Options(int gateways, int processes, String broker, String canary, Duration grace, int threads,
                          String gatewayClassPath, Path work, Duration stageTimeout) {
    }

    /** Percentiles of a set of durations, ms. */
    public record Spread(int count, long p50, long p99, long max) {
        static Spread of(List<Long> millis) {
            List<Long> sorted = millis.stream().sorted().toList();
            if (sorted.isEmpty()) {
                return new Spread(0, -1, -1, -1);
            }
            return new Spread(sorted.size(), rank(sorted, 0.50), rank(sorted, 0.99), sorted.get(sorted.size() - 1));
        }

        private static long rank(List<Long> sorted, double p) {
            return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
        }

        @Override
        public String toString() {
            return "p50 " + p50 + " ms, p99 " + p99 + " ms, max " + max + " ms (" + count + ")";
        }
    }

    /** What one run measured. */
    public record Report(String broker, int simulated, int processes, List<Integer> stageSizes, List<Spread> stageSpreads,
                         int threads, boolean complete,
                         String stoppedBecause, Map<String, Long> appliedFromStageMillis,
                         Map<String, Long> appliedFromPushMillis, long allAppliedMillis, long rolloutMillis,
                         long connectMillis, long connections, int simsApplied, int processesApplied, Map<String, Long> brokerBefore,
                         Map<String, Long> brokerAfter, long agentsPublished, long agentsReceived,
                         long cliPushes, long cliReceived, long jvmRssKb, long jvmPeakRssKb, long heapUsedMb,
                         long brokerRssKb, long processRssKb, String machine) {

        public Spread fromStage() {
            return Spread.of(new ArrayList<>(appliedFromStageMillis.values()));
        }

        public Spread fromPush() {
            return Spread.of(new ArrayList<>(appliedFromPushMillis.values()));
        }

        public Map<String, Long> brokerDelta() {
            Map<String, Long> d = new TreeMap<>();
            brokerAfter.forEach((k, v) -> d.put(k, k.startsWith("clients") ? v : v - brokerBefore.getOrDefault(k, 0L)));
            return d;
        }

        public String text() {
            return String.join("\n",
                    "machine: " + machine,
                    "broker: " + broker,
                    "gateways: " + simulated + " simulated (one JVM, " + threads + " IO + " + threads + " agent + "
                            + threads + " link threads) + " + processes + " real processes; stages " + stageSizes
                            + "; all connected and born in " + connectMillis + " ms (" + connections
                            + " connections of the simulated fleet links: reconnections after broker timeouts count)",
                    "rollout: " + (complete ? "complete, every gateway healthy" : "STOPPED: " + stoppedBecause)
                            + " in " + rolloutMillis + " ms; last applied after " + allAppliedMillis + " ms",
                    "push-to-applied from the gateway's stage start: " + fromStage(),
                    "push-to-applied from the push's start: " + fromPush(),
                    "push-to-applied from the stage's start, per stage: " + stageSpreads,
                    "applied: " + simsApplied + " simulated, " + processesApplied + " real (config file replaced)",
                    "broker's own counters during the push (after - before; clients: now): " + brokerDelta()
                            + "; totals since its start: " + brokerAfter,
                    "messages counted by the simulated agents: published " + agentsPublished + ", received "
                            + agentsReceived + "; command line: pushes " + cliPushes + ", received " + cliReceived,
                    "memory: simulation JVM RSS " + jvmRssKb / 1024 + " MiB (peak " + jvmPeakRssKb / 1024
                            + " MiB, heap used " + heapUsedMb + " MiB); broker RSS " + brokerRssKb / 1024
                            + " MiB; real gateway processes RSS " + processRssKb / 1024 + " MiB in all");
        }
    }

    private FleetSimulation() {
    }

    static String config(CloudBroker broker, int modbusPort, Duration grace) {
        StringBuilder servers = new StringBuilder();
        for (int i = 1; i <= broker.servers().size(); i++) {
            servers.append(i == 1 ? "" : ", ").append("\"${env:OUTPOST_SERVER_").append(i).append("}\"");
        }
        return """
                # The same file on every gateway of the fleet: what differs comes from the environment.
                gateway: {id: "${env:OUTPOST_GATEWAY_ID}", site: sim, data-dir: data}
                broker: {listeners: [{name: local, type: tcp, bind: 127.0.0.1, port: "${env:OUTPOST_BROKER_PORT}"}]}
                http: {enabled: false}
                upstreams:
                  - name: cloud
                    servers: [%s]
                    client-id: "${env:OUTPOST_GATEWAY_ID}"
                    mqtt-version: %s
                    keep-alive: 30s
                    forward: [{from: "sim/#", to: "up/{topic}", qos: 1}]
                devices:
                  - id: plc
                    protocol: modbus
                    poll-interval: 1s
                    connection: {host: 127.0.0.1, port: %d}
                    points: [{id: flow, address: 30001, type: uint16}]
                fleet:
                  grace-period: %ds
                  subscribe-qos: %d
                """.formatted(servers, broker.mqttVersion(), modbusPort, grace.toSeconds(), broker.subscribeQos());
    }

    /** A gateway's environment: its id, a local broker port, and the cloud's nodes in an order of its own. */
    private static Map<String, String> environment(String id, int index, CloudBroker broker, int brokerPort) {
        Map<String, String> env = new HashMap<>();
        env.put("OUTPOST_GATEWAY_ID", id);
        env.put("OUTPOST_BROKER_PORT", Integer.toString(brokerPort));
        List<String> servers = broker.servers();
        for (int i = 0; i < servers.size(); i++) {
            // Spread the gateways over the nodes: each lists them starting at a different one.
            env.put("OUTPOST_SERVER_" + (i + 1), servers.get((index + i) % servers.size()));
        }
        return env;
    }

    private static Path site(Path work, String id, String config, Path publicKey) throws IOException {
        Path site = work.resolve("gateways").resolve(id);
        Files.createDirectories(site.resolve("trusted-keys"));
        Files.copy(publicKey, site.resolve("trusted-keys/ops.pub"));
        Files.writeString(site.resolve("outpost.yaml"), config);
        return site;
    }

    /** Simulated gateway ids sort as {@code sim-0001}..; the first real process sorts first (into the canary set). */
    static List<String> processIds(int processes) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= processes; i++) {
            ids.add(i == 1 ? "sim-0000-real" : "sim-real-" + i);
        }
        return ids;
    }

    public static Report run(Options o) throws Exception {
        Path work = o.work().toAbsolutePath();
        Files.createDirectories(work);
        KeyPair ops = Ed25519Keys.generate(work.resolve("keys"), "ops");
        Path publicKey = work.resolve("keys/ops.pub");
        String machine = machine();
        List<FleetAgent> agents = new ArrayList<>();
        List<SimulatedGatewayHost> hosts = new ArrayList<>();
        List<GatewayProcess> processes = new ArrayList<>();
        Map<String, Path> processSites = new LinkedHashMap<>();
        List<ScheduledExecutorService> loops = new ArrayList<>();
        EventLoopGroup io = new NioEventLoopGroup(o.threads(), new DefaultThreadFactory("sim-fleet-io", true));
        try (CloudBroker broker = "rabbitmq".equals(o.broker()) ? CloudBroker.rabbitCluster(work.resolve("broker"))
                : CloudBroker.mosquitto(work.resolve("broker"));
             ModbusSimulator plc = ModbusSimulator.builder().port(0).demo().start()) {
            String config = config(broker, plc.port(), o.grace());
            String next = config.replace("poll-interval: 1s", "poll-interval: 2s");
            List<String> servers = broker.servers();
            MqttProtocol protocol = broker.mqttVersion().startsWith("3") ? MqttProtocol.V3_1_1 : MqttProtocol.V5;
            // The command line talks to the last node: pushes to gateways on the other node cross the cluster.
            try (FleetClient cli = new FleetClient(ControlSettings.of("fleet-cli",
                    List.of(ServerUri.parse(servers.get(servers.size() - 1))), protocol, "fleet-cli-bench", null, null,
                    UpstreamTlsConfig.DEFAULT), "outpost/{gateway}/")) {
                Map<String, Long> appliedAt = new ConcurrentHashMap<>();
                CountingChannel.Counts cliCounts = new CountingChannel.Counts();
                cli.onResult(r -> {
                    cliCounts.received.increment();
                    if (r.version() >= 1 && r.status().equals("applied")) {
                        appliedAt.putIfAbsent(r.gateway(), System.nanoTime());
                    }
                });
                long connectStart = System.nanoTime();
                List<String> realIds = processIds(o.processes());
                for (int i = 0; i < realIds.size(); i++) {
                    String id = realIds.get(i);
                    Path site = site(work, id, config, publicKey);
                    processSites.put(id, site);
                    GatewayProcess p = new GatewayProcess(o.gatewayClassPath(), List.of("-Xmx192m"),
                            environment(id, i, broker, FreePorts.tcp()), site.resolve("outpost.yaml"),
                            site.resolve("gateway.log"));
                    p.start();
                    processes.add(p);
                }
                AdapterCatalog adapters = AdapterCatalog.fromServiceLoader();
                var sections = ConfigLoader.discoverSections();
                Set<String> formats = PayloadFormats.standard().names();
                CountingChannel.Counts counts = new CountingChannel.Counts();
                List<ScheduledExecutorService> agentLoops = new ArrayList<>();
                List<ScheduledExecutorService> linkLoops = new ArrayList<>();
                for (int t = 0; t < o.threads(); t++) {
                    agentLoops.add(Executors.newSingleThreadScheduledExecutor(CoreServices.named("sim-fleet-agent-" + t, true)));
                    linkLoops.add(Executors.newSingleThreadScheduledExecutor(CoreServices.named("sim-fleet-link-" + t, true)));
                }
                loops.addAll(agentLoops);
                loops.addAll(linkLoops);
                List<String> simIds = new ArrayList<>();
                for (int i = 1; i <= o.gateways(); i++) {
                    String id = "sim-%04d".formatted(i);
                    simIds.add(id);
                    Path site = site(work, id, config, publicKey);
                    Map<String, String> env = environment(id, i, broker, 1883);
                    ConfigLoader loader = new ConfigLoader(adapters, sections, formats, new Interpolator(env::get));
                    SimulatedGatewayHost host = new SimulatedGatewayHost(loader, site.resolve("outpost.yaml"));
                    ScheduledExecutorService linkLoop = linkLoops.get(i % o.threads());
                    FleetAgent.ChannelFactory channels = (settings, filters, qos, will, listener) -> new CountingChannel(
                            new ControlLink(settings, io, linkLoop, filters, qos, will,
                                    CountingChannel.counting(listener, counts), RandomGenerator.getDefault()), counts);
                    FleetAgent agent = new FleetAgent(host, new ConfigHistory(site.resolve("outpost.yaml"), 10), channels,
                            Clock.systemUTC(), agentLoops.get(i % o.threads()));
                    hosts.add(host);
                    agents.add(agent.start());
                    if (i % 50 == 0) {
                        // Connections in waves, as a fleet comes up; a broker takes a moment per connection.
                        TimeUnit.MILLISECONDS.sleep(200);
                    }
                }
                List<String> all = new ArrayList<>(realIds);
                all.addAll(simIds);
                cli.awaitInventory(Duration.ofSeconds(60), Duration.ofSeconds(2));
                long bornDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (!allOnline(cli, all) && System.nanoTime() - bornDeadline < 0) {
                    // Ask again, as `outpost fleet ls` run anew would: on an overloaded broker links time out and
                    // reconnect, and births were seen to go missing (BENCHMARKS.md, fleet).
                    cli.awaitInventory(Duration.ofSeconds(60), Duration.ofSeconds(5));
                }
                if (!allOnline(cli, all)) {
                    long missing = all.stream().filter(id -> !online(cli, id)).count();
                    throw new IllegalStateException(missing + " gateway(s) not online at the cloud after 5 minutes");
                }
                long connectMillis = (System.nanoTime() - connectStart) / 1_000_000;

                // What `outpost fleet push next.yaml --to 'sim-*' --canary 5%` does after reading the births.
                List<String> targets = cli.births().values().stream().filter(FleetClient.Birth::online)
                        .map(FleetClient.Birth::gateway).filter(g -> g.startsWith("sim-")).toList();
                List<List<String>> stages = FleetRollout.stages(targets, o.canary());
                Map<String, Long> before = broker.counters();
                long publishedBefore = counts.published.sum();
                long receivedBefore = counts.received.sum();
                long cliReceivedBefore = cliCounts.received.sum();
                StageClock clock = new StageClock(work.resolve("push.log"));
                FleetRollout rollout = new FleetRollout(cli, ops.getPrivate(), "ops", o.stageTimeout(),
                        new PrintWriter(clock, true));
                long pushStart = System.nanoTime();
                FleetRollout.Outcome outcome = rollout.run(stages, next.getBytes(StandardCharsets.UTF_8));
                long rolloutMillis = (System.nanoTime() - pushStart) / 1_000_000;
                // The births that follow the last results (the new configuration in force), then one $SYS interval.
                long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() - settle < 0 && !targets.stream().allMatch(g -> cli.births().get(g).configVersion() >= 1)) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                TimeUnit.MILLISECONDS.sleep(1500);
                Map<String, Long> after = broker.counters();

                Map<String, Long> fromStage = new TreeMap<>();
                Map<String, Long> fromPush = new TreeMap<>();
                List<Long> stageStarts = clock.stageStarts();
                for (int s = 0; s < stages.size() && s < stageStarts.size(); s++) {
                    for (String g : stages.get(s)) {
                        Long at = appliedAt.get(g);
                        if (at != null) {
                            fromStage.put(g, (at - stageStarts.get(s)) / 1_000_000);
                            fromPush.put(g, (at - pushStart) / 1_000_000);
                        }
                    }
                }
                long lastApplied = appliedAt.values().stream().mapToLong(Long::longValue).max().orElse(pushStart);
                int simsApplied = (int) hosts.stream().filter(h -> h.applied() > 0
                        && h.config().devices().get(0).pollInterval().equals(Duration.ofSeconds(2))).count();
                int processesApplied = 0;
                for (Path site : processSites.values()) {
                    if (Files.readString(site.resolve("outpost.yaml")).equals(next)) {
                        processesApplied++;
                    }
                }
                long self = ProcessHandle.current().pid();
                Runtime rt = Runtime.getRuntime();
                long processRss = processes.stream().filter(GatewayProcess::isAlive)
                        .mapToLong(p -> ProcessSample.of(p.pid()).rssKb()).sum();
                List<Spread> perStage = stages.stream().map(st -> Spread.of(st.stream().map(fromStage::get)
                        .filter(java.util.Objects::nonNull).toList())).toList();
                return new Report(broker.describe(), o.gateways(), o.processes(),
                        stages.stream().map(List::size).toList(), perStage, o.threads(), outcome.complete(), outcome.stoppedBecause(),
                        fromStage, fromPush, (lastApplied - pushStart) / 1_000_000, rolloutMillis, connectMillis,
                        counts.connections.sum(),
                        simsApplied, processesApplied, before, after, counts.published.sum() - publishedBefore,
                        counts.received.sum() - receivedBefore, targets.size(),
                        cliCounts.received.sum() - cliReceivedBefore, ProcessSample.of(self).rssKb(),
                        ProcessSample.peakRssKb(self), (rt.totalMemory() - rt.freeMemory()) >> 20, broker.rssKb(),
                        processRss, machine);
            } finally {
                for (FleetAgent a : agents) {
                    a.close();
                }
                for (GatewayProcess p : processes) {
                    p.stop();
                }
            }
        } finally {
            loops.forEach(ScheduledExecutorService::shutdownNow);
            io.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static boolean online(FleetClient cli, String id) {
        FleetClient.Birth b = cli.births().get(id);
        return b != null && b.online() && b.devicesOnline() == 1;
    }

    private static boolean allOnline(FleetClient cli, List<String> ids) {
        return ids.stream().allMatch(id -> online(cli, id));
    }

    static String machine() {
        String load;
        try {
            load = Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            load = "?";
        }
        return Runtime.getRuntime().availableProcessors() + " cores, Java " + Runtime.version() + ", load average "
                + load + ", " + java.time.Instant.now();
    }

    /**
     * The rollout's printed progress, kept in a file, with the time each stage started (its {@code stage N of M}
     * line is printed just before its first push).
     */
    private static final class StageClock extends Writer {
        private final Writer file;
        private final StringBuilder line = new StringBuilder();
        private final List<Long> starts = new ArrayList<>();

        StageClock(Path log) throws IOException {
            this.file = Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        }

        @Override
        public synchronized void write(char[] buf, int off, int len) throws IOException {
            long now = System.nanoTime();
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                if (c == '\n') {
                    if (line.toString().startsWith("stage ")) {
                        starts.add(now);
                    }
                    file.write(String.format("%tT.%<tL ", System.currentTimeMillis()) + line + "\n");
                    line.setLength(0);
                } else {
                    line.append(c);
                }
            }
        }

        synchronized List<Long> stageStarts() {
            return List.copyOf(starts);
        }

        @Override
        public synchronized void flush() throws IOException {
            file.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            file.close();
        }
    }

    /**
     * {@code FleetSimulation --gateways 1000 --processes 3 --broker rabbitmq|mosquitto --canary 5% --grace 5s
     * --threads 2 --gateway-cp CP --work DIR}; prints the report and appends it to {@code DIR/../results.txt}.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("--gateways", "1000", "--processes", "3", "--broker", "rabbitmq",
                "--canary", "5%", "--grace", "15", "--threads", "2", "--timeout", "600"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            a.put(args[i], args[i + 1]);
        }
        Path work = Path.of(a.getOrDefault("--work", "bench/target/fleet"))
                .resolve(a.get("--broker") + "-" + a.get("--gateways") + "-" + System.currentTimeMillis());
        Options o = new Options(Integer.parseInt(a.get("--gateways")), Integer.parseInt(a.get("--processes")),
                a.get("--broker"), a.get("--canary"), Duration.ofSeconds(Long.parseLong(a.get("--grace").replace("s", ""))),
                Integer.parseInt(a.get("--threads")), a.getOrDefault("--gateway-cp", System.getProperty("java.class.path")),
                work, Duration.ofSeconds(Long.parseLong(a.get("--timeout").replace("s", ""))));
        Report r = run(o);
        List<String> shown = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].equals("--gateway-cp")) {
                shown.add(args[i] + " " + args[i + 1]);
            }
        }
        String text = "--- FleetSimulation " + String.join(" ", shown) + "\n" + r.text() + "\n";
        System.out.print(text);
        Files.writeString(work.getParent().resolve("results.txt"), text, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        System.exit(r.complete() ? 0 : 1);
    }
}
