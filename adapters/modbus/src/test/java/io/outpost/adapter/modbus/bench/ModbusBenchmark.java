package io.outpost.adapter.modbus.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.adapter.modbus.config.ModbusDevice;
import io.outpost.adapter.modbus.config.Table;
import io.outpost.adapter.modbus.plan.LearnedCuts;
import io.outpost.adapter.modbus.plan.ReadPlanner;
import io.outpost.adapter.modbus.testing.ModbusConfigs;
import io.outpost.adapter.modbus.testing.SimulatorProcess;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.message.MessageSink;
import io.outpost.core.message.Message;
import io.outpost.core.runtime.CoreServices;
import io.outpost.core.runtime.GatewayRuntime;
import io.outpost.testing.ExternalProcess;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Throughput of the Modbus adapter through the real core: {@code bench.devices} (100) loopback Modbus TCP devices
 * of 100 points each ({@link BenchMap}), polled every {@code bench.interval} (10 ms, i.e. as fast as they answer),
 * against two peers measured in the same run on the same devices, both j2mod's own master, one thread per device:
 * one request per point (the way many gateways poll), and contiguous blocks (the way EMQ Neuron and Eclipse Kura
 * poll: the points of a table sorted by address and read in runs of up to 125 registers or 2,000 bits, gaps
 * included). The devices run in a separate JVM ({@link SimulatorFleet}), so CPU time is the gateway's.
 *
 * <p>Run: {@code mvn -B -q -pl adapters/modbus -am test -Dtest=ModbusBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbenchmark=true}; results go to the console and {@code adapters/modbus/target/modbus-benchmark.md}.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ModbusBenchmark {

    private static final int DEVICES = Integer.getInteger("bench.devices", 100);
    private static final int WARMUP_S = Integer.getInteger("bench.warmup", 10);
    private static final int MEASURE_S = Integer.getInteger("bench.seconds", 20);
    private static final String INTERVAL = System.getProperty("bench.interval", "10ms");

    /** Counts what the core hands over and accepts it at once, like an engine that is never behind. */
    static final class CountingSink implements MessageSink {
        final AtomicLong messages = new AtomicLong();

        @Override
        public CompletionStage<Void> publish(List<Message> batch) {
            messages.addAndGet(batch.size());
            return CompletableFuture.completedFuture(null);
        }
    }

    record Window(double points, double reads, double requests, double errors, long cpuNanos, long fleetCpuNanos,
                  long wallNanos) {
        double pointsPerSecond() {
            return points * 1e9 / wallNanos;
        }

        double cpuMsPerThousand() {
            return cpuNanos / 1e6 / (points / 1000);
        }

        double cpuCores() {
            return (double) cpuNanos / wallNanos;
        }
    }

    @Test
    void pollHundredDevicesOfHundredPoints() throws Exception {
        ExternalProcess fleet = SimulatorProcess.start("modbus-fleet", SimulatorFleet.class, "PORTS",
                List.of("-Xmx512m"), Integer.toString(DEVICES));
        try {
            String line = fleet.awaitLine(l -> l.startsWith("PORTS "), Duration.ofSeconds(60));
            int[] ports = Arrays.stream(line.substring(6).split(",")).mapToInt(Integer::parseInt).toArray();
            long fleetPid = fleet.pid();

            int planned = plannedRequests(ports[0]);
            Window outpost = runOutpost(ports, fleetPid);
            Window peer = runJ2mod(ports, fleetPid, ModbusBenchmark::pollPerPoint);
            Window blocks = runJ2mod(ports, fleetPid, ModbusBenchmark::pollBlocks);
            String report = report(planned, outpost, peer, blocks);
            System.out.println(report);
            Files.writeString(Path.of("target/modbus-benchmark.md"), report);
            assertThat(outpost.errors()).as("failed reads").isZero();
            assertThat(outpost.points()).isPositive();
        } finally {
            fleet.kill();
        }
    }

    private static int plannedRequests(int port) {
        DeviceConfig d = ModbusConfigs.device(BenchMap.deviceYaml("d", port, INTERVAL));
        return new ReadPlanner(d.settings(ModbusDevice.class), d.points(), new LearnedCuts()).plan(d.points()).blocks().size();
    }

    private static Window runOutpost(int[] ports, long fleetPid) throws Exception {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < ports.length; i++) {
            yaml.append(BenchMap.deviceYaml("dev" + i, ports[i], INTERVAL));
        }
        GatewayConfig config = ModbusConfigs.gateway(yaml.toString());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CoreServices services = CoreServices.production(meters);
        GatewayRuntime runtime = new GatewayRuntime(config.gateway(), ModbusConfigs.CATALOG, new CountingSink(),
                PayloadFormats.standard(), services, GatewayRuntime.DEFAULT_MAX_PENDING, Duration.ofMillis(100));
        try {
            runtime.start(config);
            TimeUnit.SECONDS.sleep(WARMUP_S);
            double[] before = outpostCounters(meters);
            long cpu0 = processCpuNanos();
            long fleet0 = cpuOf(fleetPid);
            long t0 = System.nanoTime();
            TimeUnit.SECONDS.sleep(MEASURE_S);
            double[] after = outpostCounters(meters);
            return new Window(after[0] - before[0], after[1] - before[1], after[2] - before[2], after[3] - before[3],
                    processCpuNanos() - cpu0, cpuOf(fleetPid) - fleet0, System.nanoTime() - t0);
        } finally {
            runtime.close();
            services.resources().close();
        }
    }

    /** Points read, reads, Modbus requests, failed reads. */
    private static double[] outpostCounters(MeterRegistry meters) {
        double points = meters.find("outpost.points.read").counters().stream().mapToDouble(Counter::count).sum();
        double reads = meters.find("outpost.poll.duration").timers().stream().mapToDouble(Timer::count).sum();
        double requests = meters.find("outpost.modbus.requests").counters().stream().mapToDouble(Counter::count).sum();
        double errors = meters.find("outpost.poll.errors").counters().stream().mapToDouble(Counter::count).sum();
        return new double[] {points, reads, requests, errors};
    }

    /** How a peer polls one device until told to stop, counting points read (and requests) and failures. */
    interface Poller {
        void poll(int port, AtomicBoolean running, AtomicLong points, AtomicLong requests, AtomicLong failures);
    }

    /** j2mod's master, one thread per device, polling with {@code poller}. */
    private static Window runJ2mod(int[] ports, long fleetPid, Poller poller) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong points = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int port : ports) {
            Thread t = new Thread(() -> poller.poll(port, running, points, requests, failures), "j2mod-" + port);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try {
            TimeUnit.SECONDS.sleep(Math.max(3, WARMUP_S / 2));
            long p0 = points.get();
            long r0 = requests.get();
            long f0 = failures.get();
            long cpu0 = processCpuNanos();
            long fleet0 = cpuOf(fleetPid);
            long t0 = System.nanoTime();
            TimeUnit.SECONDS.sleep(MEASURE_S);
            long n = points.get() - p0;
            // One device poll reads every point of the map once.
            double polls = (double) n / BenchMap.POINTS.size();
            return new Window(n, polls, requests.get() - r0, failures.get() - f0, processCpuNanos() - cpu0,
                    cpuOf(fleetPid) - fleet0, System.nanoTime() - t0);
        } finally {
            running.set(false);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
    }

    private static void pollPerPoint(int port, AtomicBoolean running, AtomicLong points, AtomicLong requests,
                                     AtomicLong failures) {
        ModbusTCPMaster master = new ModbusTCPMaster("127.0.0.1", port, 2000, false);
        try {
            master.connect();
            while (running.get()) {
                for (BenchMap.Point p : BenchMap.POINTS) {
                    switch (p.table()) {
                        case HOLDING_REGISTER -> master.readMultipleRegisters(1, p.index(), p.span());
                        case INPUT_REGISTER -> master.readInputRegisters(1, p.index(), p.span());
                        case COIL -> master.readCoils(1, p.index(), 1);
                        case DISCRETE_INPUT -> master.readInputDiscretes(1, p.index(), 1);
                    }
                    points.incrementAndGet();
                    requests.incrementAndGet();
                }
            }
        } catch (Exception e) {
            failures.incrementAndGet();
        } finally {
            master.disconnect();
        }
    }

    /** One read of a block peer: a table, the first address, how many, and how many points it brings. */
    record Block(Table table, int start, int count, int points) {
    }

    /**
     * The blocks a block-reading gateway polls: per table, points sorted by address, a block extended over gaps
     * while it stays within one request's limit (125 registers, 2,000 bits), as Neuron and Kura group tags.
     */
    static List<Block> blocks() {
        List<Block> out = new ArrayList<>();
        for (Table table : Table.values()) {
            List<BenchMap.Point> points = BenchMap.POINTS.stream().filter(p -> p.table() == table)
                    .sorted(java.util.Comparator.comparingInt(BenchMap.Point::index)).toList();
            int max = table.isBits() ? 2000 : 125;
            int start = -1;
            int end = -1;
            int n = 0;
            for (BenchMap.Point p : points) {
                int span = table.isBits() ? 1 : p.span();
                if (start >= 0 && p.index() + span - start > max) {
                    out.add(new Block(table, start, end - start, n));
                    start = -1;
                }
                if (start < 0) {
                    start = p.index();
                    end = start;
                    n = 0;
                }
                end = Math.max(end, p.index() + span);
                n++;
            }
            if (start >= 0) {
                out.add(new Block(table, start, end - start, n));
            }
        }
        return out;
    }

    private static void pollBlocks(int port, AtomicBoolean running, AtomicLong points, AtomicLong requests,
                                   AtomicLong failures) {
        List<Block> blocks = blocks();
        ModbusTCPMaster master = new ModbusTCPMaster("127.0.0.1", port, 2000, false);
        try {
            master.connect();
            while (running.get()) {
                for (Block b : blocks) {
                    switch (b.table()) {
                        case HOLDING_REGISTER -> master.readMultipleRegisters(1, b.start(), b.count());
                        case INPUT_REGISTER -> master.readInputRegisters(1, b.start(), b.count());
                        case COIL -> master.readCoils(1, b.start(), b.count());
                        case DISCRETE_INPUT -> master.readInputDiscretes(1, b.start(), b.count());
                    }
                    points.addAndGet(b.points());
                    requests.incrementAndGet();
                }
            }
        } catch (Exception e) {
            failures.incrementAndGet();
        } finally {
            master.disconnect();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long cpuOf(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }

    private static String report(int planned, Window o, Window p, Window b) {
        int perPoint = BenchMap.POINTS.size();
        String row = "| %s | %,.0f | %.1f | %.2f | %.2f | %.2f |%n";
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Modbus benchmark, %s, %d devices x %d points, poll interval %s, %d s measured "
                        + "after %d s warm-up, %d cores (%s)%n%n", LocalDate.now(), DEVICES, perPoint, INTERVAL, MEASURE_S,
                WARMUP_S, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.version")));
        s.append("| run | points/s | gateway CPU ms per 1,000 points | gateway CPU (cores) | requests per device poll | "
                + "device fleet CPU (cores) |\n|---|---|---|---|---|---|\n");
        s.append(String.format(Locale.ROOT, row, "Outpost (read planner, through the core)", o.pointsPerSecond(),
                o.cpuMsPerThousand(), o.cpuCores(), o.requests() / Math.max(1, o.reads()), (double) o.fleetCpuNanos() / o.wallNanos()));
        s.append(String.format(Locale.ROOT, row, "j2mod master, one request per point (peer)", p.pointsPerSecond(),
                p.cpuMsPerThousand(), p.cpuCores(), p.requests() / Math.max(1, p.reads()),
                (double) p.fleetCpuNanos() / p.wallNanos()));
        s.append(String.format(Locale.ROOT, row, "j2mod master, contiguous blocks (peer, as Neuron and Kura)",
                b.pointsPerSecond(), b.cpuMsPerThousand(), b.cpuCores(), b.requests() / Math.max(1, b.reads()),
                (double) b.fleetCpuNanos() / b.wallNanos()));
        s.append(String.format(Locale.ROOT, "%nPlanned requests for the %d-point map: %d (one per point: %d, %.0fx fewer; "
                        + "contiguous blocks: %d). Outpost/peer points/s: %.1fx per point, %.1fx blocks; CPU per 1,000 "
                        + "points: %.1fx less than per point, %.1fx less than blocks. Failed reads: %.0f (peers: %.0f, %.0f).%n",
                perPoint, planned, perPoint, (double) perPoint / planned, blocks().size(),
                o.pointsPerSecond() / p.pointsPerSecond(), o.pointsPerSecond() / b.pointsPerSecond(),
                p.cpuMsPerThousand() / o.cpuMsPerThousand(), b.cpuMsPerThousand() / o.cpuMsPerThousand(), o.errors(),
                p.errors(), b.errors()));
        return s.toString();
    }
}
