package io.outpost.bench.e2e;

import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.adapter.opcua.sim.OpcUaSimulator;
import io.outpost.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The field devices of the end-to-end benchmark and the soak: Modbus TCP devices with the {@link StampMap}, one
 * OPC UA server with changing nodes and one BACnet/IP device with analog inputs. Every value changes once per
 * period, each Modbus device at its own random phase (as real devices do, unrelated to the gateway's polls), and
 * carries its change time: Modbus and BACnet in the value (milliseconds since {@code baseMillis}), OPC UA in the
 * source timestamp. Modbus devices can be stopped and started again on the same port (a device power-cycled).
 *
 * <p>Runs in-process (the soak) or as its own process (the benchmark, so that its CPU is not the gateway's):
 * {@code java -cp ... io.outpost.bench.e2e.FieldSimulators --base MS --modbus N --points P --opcua M --bacnet K}
 * prints {@code READY modbus=p1,p2,... opcua=PORT bacnet=PORT:INSTANCE} and runs until killed. Thread-safe.
 */
public final class FieldSimulators implements AutoCloseable {

    /** What to simulate; zero devices or nodes of a kind leave that kind out. */
    public record Spec(int modbusDevices, int pointsPerDevice, int opcuaNodes, int bacnetObjects, Duration period,
                       long baseMillis) {
    }

    public static final int BACNET_INSTANCE = 2001;

    private final Spec spec;
    private final StampMap map;
    private final ModbusSimulator[] modbus;
    private final int[] modbusPorts;
    private final ScheduledExecutorService ticker;
    private OpcUaSimulator opcua;
    private BacnetSimulator bacnet;

    private FieldSimulators(Spec spec) {
        this.spec = spec;
        this.map = new StampMap(Math.max(1, spec.pointsPerDevice()));
        this.modbus = new ModbusSimulator[spec.modbusDevices()];
        this.modbusPorts = new int[spec.modbusDevices()];
        this.ticker = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "field-simulators-ticker");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts every simulator and the changes of their values. */
    public static FieldSimulators start(Spec spec) throws Exception {
        FieldSimulators s = new FieldSimulators(spec);
        try {
            s.startAll();
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void startAll() throws Exception {
        Random random = new Random();
        long period = spec.period().toMillis();
        for (int i = 0; i < modbus.length; i++) {
            startModbus(i);
            int device = i;
            ticker.scheduleAtFixedRate(() -> stamp(device), random.nextInt((int) period), period, TimeUnit.MILLISECONDS);
        }
        if (spec.opcuaNodes() > 0) {
            opcua = OpcUaSimulator.builder().port(FreePorts.tcp()).motion(Duration.ZERO)
                    .benchmarkNodes(spec.opcuaNodes(), spec.period()).build().start();
        }
        if (spec.bacnetObjects() > 0) {
            bacnet = BacnetSimulator.builder().instance(BACNET_INSTANCE).port(FreePorts.udp())
                    .extraInputs(spec.bacnetObjects()).start();
            ticker.scheduleAtFixedRate(this::stampBacnet, random.nextInt((int) period), period, TimeUnit.MILLISECONDS);
        }
    }

    private long now() {
        return System.currentTimeMillis() - spec.baseMillis();
    }

    private void stamp(int device) {
        ModbusSimulator sim;
        synchronized (this) {
            sim = modbus[device];
        }
        if (sim != null) {
            map.write(sim.unit(), now());
        }
    }

    private void stampBacnet() {
        float value = now();
        for (int i = 0; i < spec.bacnetObjects(); i++) {
            bacnet.set(new ObjectIdentifier(ObjectType.analogInput, BacnetSimulator.FIRST_EXTRA + i), value);
        }
    }

    /** Starts Modbus device {@code i} (again), on the port it had before; it holds its current change time at once. */
    public synchronized void startModbus(int i) throws IOException {
        if (modbus[i] != null) {
            return;
        }
        ModbusSimulator sim = ModbusSimulator.builder().port(modbusPorts[i]).size(map.registers()).connections(2).start();
        map.write(sim.unit(), now());
        modbusPorts[i] = sim.port();
        modbus[i] = sim;
    }

    /** Stops Modbus device {@code i}: its port refuses connections until {@link #startModbus} (a power cut). */
    public synchronized void stopModbus(int i) {
        if (modbus[i] != null) {
            modbus[i].close();
            modbus[i] = null;
        }
    }

    public int[] modbusPorts() {
        return modbusPorts.clone();
    }

    public StampMap map() {
        return map;
    }

    /** The OPC UA server's port, or 0 when there is none. */
    public int opcuaPort() {
        return opcua == null ? 0 : opcua.port();
    }

    /** The BACnet device's UDP port, or 0 when there is none. */
    public int bacnetPort() {
        return bacnet == null ? 0 : bacnet.port();
    }

    @Override
    public synchronized void close() {
        ticker.shutdownNow();
        for (int i = 0; i < modbus.length; i++) {
            stopModbus(i);
        }
        if (opcua != null) {
            opcua.close();
        }
        if (bacnet != null) {
            bacnet.close();
        }
    }

    /** The line the process prints when everything listens. */
    public String readyLine() {
        return "READY modbus=" + Arrays.stream(modbusPorts).mapToObj(Integer::toString).collect(Collectors.joining(","))
                + " opcua=" + opcuaPort() + " bacnet=" + bacnetPort();
    }

    public static void main(String[] args) throws Exception {
        Arguments a = new Arguments(args);
        Spec spec = new Spec(a.integer("modbus", 100), a.integer("points", 100), a.integer("opcua", 0),
                a.integer("bacnet", 0), Duration.ofMillis(a.integer("period-ms", 1000)),
                Long.parseLong(a.text("base", Long.toString(System.currentTimeMillis()))));
        try (FieldSimulators sims = start(spec)) {
            System.out.println(sims.readyLine());
            System.out.flush();
            new CountDownLatch(1).await();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
