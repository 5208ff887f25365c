package io.outpost.bench.e2e;

import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import io.outpost.testing.Mosquitto;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The end-to-end benchmark: simulated field devices (own process) polled every second by the whole gateway (own
 * process, {@code outpost run} with the systemd unit's JVM options), forwarded to a mosquitto upstream on loopback,
 * measured by a subscriber there (own process). Reports point updates per second, the gateway's CPU, resident
 * memory and heap, the time from start to the first forwarded message, and latencies ({@link UpstreamMeter}).
 * Driven by {@code bench/e2e-bench.sh}, which builds the class paths.
 */
public final class E2eBenchmark {

    /**
     * Devices and points of a scale: Modbus devices of 100 points plus 100 OPC UA nodes and 100 BACnet objects
     * (1k: 8 devices, 10k: 98, 100k: 998).
     */
    record Scale(String name, int modbusDevices, int points, int opcuaNodes, int bacnetObjects) {
        int total() {
            return modbusDevices * points + opcuaNodes + bacnetObjects;
        }

        /** {@code 1k}, {@code 10k}, {@code 100k} or any other whole number of thousands (a ceiling search). */
        static Scale named(String name) {
            int thousands;
            try {
                thousands = name.endsWith("k") ? Integer.parseInt(name.substring(0, name.length() - 1)) : 0;
            } catch (NumberFormatException e) {
                thousands = 0;
            }
            if (thousands < 1) {
                throw new IllegalArgumentException("the scale is thousands of points: 1k, 10k, 100k, ...; found " + name);
            }
            return new Scale(name, (thousands * 1000 - 200) / 100, 100, 100, 100);
        }
    }

    /** A heap line of {@code GC.heap_info}: one for G1, one per generation for the serial and parallel collectors. */
    private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

    private E2eBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Arguments a = new Arguments(args);
        Scale scale = Scale.named(a.text("scale", "10k"));
        int warmup = a.integer("warmup", 20);
        int duration = a.integer("duration", 60);
        UplinkChoice uplink = UplinkChoice.named(a.text("uplink", UplinkChoice.PER_POINT.label()));
        String benchCp = a.text("bench-cp", System.getProperty("java.class.path"));
        String gatewayCp = a.text("gateway-cp", benchCp);
        ServiceUnit unit = ServiceUnit.fromSourceTree(Path.of(""));
        String options = a.text("java-opts", "");
        unit = options.isBlank() ? unit : unit.withJavaOptions(options);
        List<String> javaOpts = unit.javaOptions();
        Map<String, String> gatewayEnv = unit.environment();
        Path work = Files.createDirectories(Path.of(a.text("work", "bench/target/e2e")).toAbsolutePath());
        Path out = Path.of(a.text("out", work.resolve("results.txt").toString()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long base = System.currentTimeMillis();

        String load = loadAverage();
        System.err.printf("e2e %s: %d Modbus devices x %d points + %d OPC UA nodes + %d BACnet objects = %d points, "
                        + "polled every 1 s, uplink %s; load average at start %s%n", scale.name(), scale.modbusDevices(), scale.points(),
                scale.opcuaNodes(), scale.bacnetObjects(), scale.total(), uplink.label(), load);
        Path data = work.resolve("data-" + scale.name());
        deleteRecursively(data);
        try (ExternalProcess sims = ExternalProcess.start("simulators", List.of(java, "-Xmx2g", "-cp", benchCp,
                FieldSimulators.class.getName(), "--base", Long.toString(base), "--modbus",
                Integer.toString(scale.modbusDevices()), "--points", Integer.toString(scale.points()), "--opcua",
                Integer.toString(scale.opcuaNodes()), "--bacnet", Integer.toString(scale.bacnetObjects())), null);
             Mosquitto cloud = Mosquitto.start(work.resolve("mosquitto"), "max_inflight_messages 100",
                     "max_queued_messages 1000000", "set_tcp_nodelay true", "persistence false")) {
            Map<String, String> ready = fields(sims.awaitLine(l -> l.startsWith("READY "), Duration.ofMinutes(5)));
            try (ExternalProcess meter = ExternalProcess.start("meter", List.of(java, "-Xmx1g", "-cp", benchCp,
                    UpstreamMeter.class.getName(), "--port", Integer.toString(cloud.port()), "--base", Long.toString(base),
                    "--points", Integer.toString(scale.total()), "--warmup", Integer.toString(warmup), "--duration",
                    Integer.toString(duration)), null)) {
                meter.awaitLine("SUBSCRIBED"::equals, Duration.ofSeconds(60));
                int http = FreePorts.tcp();
                Path config = work.resolve("gateway-" + scale.name() + ".yaml");
                Files.writeString(config, config(scale, uplink, ready, data, cloud.port(), http));
                Path log = work.resolve("gateway-" + scale.name() + ".log");
                Files.deleteIfExists(log);
                GatewayProcess gateway = new GatewayProcess(gatewayCp, javaOpts, gatewayEnv, config, log);
                gateway.start();
                try {
                    run(scale, uplink, gateway, sims, cloud, meter, http, javaOpts, gatewayEnv, load, out, warmup,
                            duration);
                } finally {
                    gateway.stop();
                }
            }
        }
    }

    private static void run(Scale scale, UplinkChoice uplink, GatewayProcess gateway, ExternalProcess sims,
                            Mosquitto cloud,
                            ExternalProcess meter, int http, List<String> javaOpts, Map<String, String> env,
                            String loadAtStart, Path out,
                            int warmup, int duration) throws Exception {
        long first = Long.parseLong(meter.awaitLine(l -> l.startsWith("FIRST "), Duration.ofMinutes(5)).substring(6));
        long startup = first - gateway.startedAtMillis();
        System.err.printf("first message upstream %d ms after the gateway process started%n", startup);
        String allLine = meter.awaitLine(l -> l.startsWith("ALL ") || l.startsWith("WINDOW "), Duration.ofMinutes(5));
        long allPoints = allLine.startsWith("ALL ") ? Long.parseLong(allLine.substring(4)) - gateway.startedAtMillis() : -1;
        meter.awaitLine(l -> l.startsWith("WINDOW "), Duration.ofSeconds(warmup + 300L));
        Map<String, Double> metricsAtStart = metrics(http);
        long gw = gateway.pid();
        ProcessSample g0 = ProcessSample.of(gw);
        Map<String, Long> threads0 = ThreadCpu.ticks(gw);
        ProcessSample m0 = ProcessSample.of(cloud.process().pid());
        ProcessSample s0 = ProcessSample.of(sims.pid());
        ProcessSample u0 = ProcessSample.of(meter.pid());
        ProcessSample u1 = u0;
        long rssSum = 0;
        long rssMax = 0;
        int rssSamples = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(duration + 120L).toNanos();
        String result = null;
        while (result == null && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            long rss = ProcessSample.of(gw).rssKb();
            rssSum += rss;
            rssMax = Math.max(rssMax, rss);
            rssSamples++;
            // The meter exits right after its result: its CPU is read while it still runs.
            ProcessSample u = ProcessSample.of(meter.pid());
            u1 = u.cpuNanos() > 0 ? u : u1;
            result = meter.output().stream().filter(l -> l.startsWith("RESULT ")).findFirst().orElse(null);
        }
        if (result == null) {
            throw new IllegalStateException("the meter gave no result; its output:\n" + String.join("\n", meter.output()));
        }
        ProcessSample g1 = ProcessSample.of(gw);
        String byThread = ThreadCpu.cores(threads0, ThreadCpu.ticks(gw), (g1.wallNanos() - g0.wallNanos()) / 1e9,
                clockTicks());
        double gwCores = g1.coresSince(g0);
        double mosquittoCores = ProcessSample.of(cloud.process().pid()).coresSince(m0);
        double simCores = ProcessSample.of(sims.pid()).coresSince(s0);
        double meterCores = u1.coresSince(u0);
        long peakRss = ProcessSample.peakRssKb(gw);
        Map<String, String> r = fields(result);
        Map<String, Double> metrics = metrics(http);
        // Bytes the gateway allocated per update delivered over the window (young-generation allocation as the
        // collector counts it, Micrometer's jvm.gc.memory.allocated).
        double allocated = metrics.getOrDefault("jvm_gc_memory_allocated_bytes_total", 0.0)
                - metricsAtStart.getOrDefault("jvm_gc_memory_allocated_bytes_total", 0.0);
        double refused = metrics.getOrDefault("outpost_messages_dropped_total", 0.0)
                - metricsAtStart.getOrDefault("outpost_messages_dropped_total", 0.0);
        if (javaOpts.stream().anyMatch(o -> o.startsWith("-XX:NativeMemoryTracking"))) {
            Files.writeString(out.resolveSibling("nmt-" + scale.name() + ".txt"), jcmd(gw, "VM.native_memory summary"));
        }
        long[] heapBefore = heap(gw, false);
        long[] heapLive = heap(gw, true);
        double rate = Double.parseDouble(r.get("rate"));
        String loadAtEnd = loadAverage();
        double windowSeconds = Double.parseDouble(r.get("seconds"));
        String line = String.format(Locale.ROOT, "E2E scale=%s uplink=%s points=%d updates_per_s=%.0f gateway_cpu_cores=%.3f "
                        + "alloc_bytes_per_update=%.0f refused_in_window=%.0f "
                        + "gateway_cpu_pct_of_machine=%.1f cpu_us_per_update=%.1f rss_avg_mb=%.0f rss_max_mb=%.0f rss_peak_mb=%.0f "
                        + "heap_used_mb=%.0f heap_live_mb=%.0f heap_committed_mb=%.0f startup_first_ms=%d startup_all_ms=%d "
                        + "e2e_p50_ms=%s e2e_p99_ms=%s e2e_max_ms=%s gw_p50_ms=%s gw_p99_ms=%s modbus_p99_ms=%s opcua_p99_ms=%s "
                        + "bacnet_p99_ms=%s points_seen=%s not_good=%s malformed=%s skipped_polls=%.0f poll_errors=%.0f dropped=%.0f "
                        + "mosquitto_cpu_cores=%.3f simulators_cpu_cores=%.3f meter_cpu_cores=%.3f window_s=%s "
                        + "java_opts=\"%s\" gateway_env=\"%s\" load_start=\"%s\" load_end=\"%s\" date=%s gateway_threads=%s",
                scale.name(), uplink.label(), scale.total(), rate, gwCores,
                rate > 0 ? allocated / (rate * windowSeconds) : 0, refused,
                100 * gwCores / Runtime.getRuntime().availableProcessors(),
                rate > 0 ? gwCores * 1e6 / rate : 0, rssSum / 1024.0 / Math.max(1, rssSamples), rssMax / 1024.0,
                peakRss / 1024.0, heapBefore[1] / 1024.0, heapLive[1] / 1024.0, heapLive[0] / 1024.0, startup, allPoints,
                r.get("e2e_p50_ms"), r.get("e2e_p99_ms"), r.get("e2e_max_ms"), r.get("gw_p50_ms"), r.get("gw_p99_ms"),
                r.get("modbus_p99_ms"), r.get("opcua_p99_ms"), r.get("bacnet_p99_ms"), r.get("points_seen"),
                r.get("not_good"), r.get("malformed"), metrics.getOrDefault("outpost_poll_skipped_total", 0.0),
                metrics.getOrDefault("outpost_poll_errors_total", 0.0),
                metrics.getOrDefault("outpost_messages_dropped_total", 0.0)
                        + metrics.getOrDefault("outpost_bridge_messages_dropped_total", 0.0),
                mosquittoCores, simCores, meterCores, r.get("seconds"), String.join(" ", javaOpts), env, loadAtStart, loadAtEnd,
                Instant.now(), byThread);
        System.out.println(line);
        Files.writeString(out, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static String config(Scale scale, UplinkChoice uplink, Map<String, String> ready, Path data, int cloudPort,
                         int http) {
        GatewayYaml y = new GatewayYaml("bench-gw", "bench", data, "{site}/{protocol}/{device}/{point}")
                .localPorts(FreePorts.tcp(), http)
                .upstream(cloudPort, List.of(uplink.forward()), List.of());
        StampMap map = new StampMap(scale.points());
        String[] ports = ready.get("modbus").split(",");
        for (int i = 0; i < scale.modbusDevices(); i++) {
            y.modbus(String.format("m%03d", i), Integer.parseInt(ports[i]), map, "1s", List.of());
        }
        if (scale.opcuaNodes() > 0) {
            y.opcua("ua1", Integer.parseInt(ready.get("opcua")), scale.opcuaNodes(), "1s");
        }
        if (scale.bacnetObjects() > 0) {
            y.bacnet("bac1", FreePorts.udp(), Integer.parseInt(ready.get("bacnet")), FieldSimulators.BACNET_INSTANCE,
                    io.outpost.adapter.bacnet.sim.BacnetSimulator.FIRST_EXTRA, scale.bacnetObjects(), "1s");
        }
        return y.text();
    }

    /** {@code key=value} pairs of a line; the first word is skipped. */
    static Map<String, String> fields(String line) {
        Map<String, String> out = new HashMap<>();
        for (String part : line.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return out;
    }

    private static Map<String, Double> metrics(int port) {
        try {
            return new OpsClient(port).metrics();
        } catch (IOException e) {
            System.err.println("the gateway's metrics could not be read: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Map.of();
    }

    /** Heap {committed, used} in KB, after a full collection when {@code collect}, from {@code jcmd}. */
    private static long[] heap(long pid, boolean collect) throws IOException, InterruptedException {
        if (collect) {
            jcmd(pid, "GC.run");
        }
        Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        long[] sum = {0, 0};
        while (m.find()) {
            sum[0] += Long.parseLong(m.group(1));
            sum[1] += Long.parseLong(m.group(2));
        }
        return sum;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
        StringBuilder text = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                text.append(l).append('\n');
            }
        }
        p.waitFor();
        return text.toString();
    }

    /** Linux clock ticks per second ({@code getconf CLK_TCK}); 100 where it cannot be asked. */
    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (var s = Files.walk(dir)) {
            s.forEach(all::add);
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.delete(all.get(i));
        }
    }
}
