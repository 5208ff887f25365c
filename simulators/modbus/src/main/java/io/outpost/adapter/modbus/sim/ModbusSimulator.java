package io.outpost.adapter.modbus.sim;

import com.ghgande.j2mod.modbus.ModbusException;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * A Modbus TCP (or RTU over TCP) slave on loopback, built on j2mod's slave: for the demo, the tests and the
 * benchmarks. Each unit id has its own memory ({@link SimulatedUnit}) that tests read and write; with
 * {@link Builder#demo()} unit 1 runs a small pump station whose values move ({@link DemoProcess}).
 *
 * <pre>
 * try (ModbusSimulator sim = ModbusSimulator.builder().demo().start()) {
 *     int port = sim.port();
 *     sim.unit(1).setRegister(DataTable.HOLDING_REGISTER, 100, 42);
 * }
 * </pre>
 * Run it on its own: {@code java -cp ... io.outpost.adapter.modbus.sim.ModbusSimulator [port]}.
 */
public final class ModbusSimulator implements AutoCloseable {

    private static final int BIND_ATTEMPTS = 20;

    private final ModbusSlave slave;
    private final int port;
    private final Map<Integer, SimulatedUnit> units;
    private final ScheduledExecutorService timer;

    private ModbusSimulator(ModbusSlave slave, int port, Map<Integer, SimulatedUnit> units,
                            ScheduledExecutorService timer) {
        this.slave = slave;
        this.port = port;
        this.units = units;
        this.timer = timer;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options; {@link #start()} opens the slave. */
    public static final class Builder {
        private int port;
        private int[] unitIds = {1};
        private int size = 1000;
        private boolean rtuOverTcp;
        private boolean demo;
        private int connections = 4;
        private String bindAddress = "127.0.0.1";

        /** TCP port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder unitIds(int... ids) {
            this.unitIds = ids.clone();
            return this;
        }

        /** Addresses per table and unit (default 1,000). */
        public Builder size(int size) {
            this.size = size;
            return this;
        }

        /** Speak RTU frames (CRC, no MBAP header) over TCP, like a serial-to-Ethernet converter. */
        public Builder rtuOverTcp() {
            this.rtuOverTcp = true;
            return this;
        }

        /** Unit 1 runs the pump station of {@link DemoProcess}. */
        public Builder demo() {
            this.demo = true;
            return this;
        }

        /** Clients served at once (default 4). */
        public Builder connections(int n) {
            this.connections = n;
            return this;
        }

        /** Listen address (default 127.0.0.1). */
        public Builder bind(String address) {
            this.bindAddress = address;
            return this;
        }

        public ModbusSimulator start() throws IOException {
            Map<Integer, SimulatedUnit> units = new LinkedHashMap<>();
            for (int id : unitIds) {
                units.put(id, new SimulatedUnit(id, size));
            }
            InetAddress address = InetAddress.getByName(bindAddress);
            ModbusException last = null;
            for (int attempt = 0; attempt < (port == 0 ? BIND_ATTEMPTS : 1); attempt++) {
                int p = port == 0 ? freePort(address) : port;
                ModbusSlave slave;
                try {
                    // j2mod's listener finds its process images through the factory's registry of slaves.
                    slave = ModbusSlaveFactory.createTCPSlave(address, p, connections, rtuOverTcp, 0);
                } catch (ModbusException e) {
                    throw new IOException("cannot create a Modbus slave: " + e.getMessage(), e);
                }
                units.forEach(slave::addProcessImage);
                try {
                    slave.open();
                } catch (ModbusException e) {
                    // Another process took the port between our probe and the bind: pick another.
                    ModbusSlaveFactory.close(slave);
                    last = e;
                    continue;
                }
                ScheduledExecutorService timer = null;
                if (demo) {
                    timer = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "modbus-sim-demo-" + p);
                        t.setDaemon(true);
                        return t;
                    });
                    DemoProcess process = new DemoProcess(units.get(unitIds[0]), RandomGenerator.of("L32X64MixRandom"));
                    timer.scheduleAtFixedRate(() -> process.step(0.1), 100, 100, TimeUnit.MILLISECONDS);
                }
                return new ModbusSimulator(slave, p, units, timer);
            }
            throw new IOException("cannot open a Modbus slave on " + bindAddress + ":" + port, last);
        }

        private static int freePort(InetAddress address) throws IOException {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(address, 0));
                return s.getLocalPort();
            }
        }
    }

    public int port() {
        return port;
    }

    /** The memory of a unit id. */
    public SimulatedUnit unit(int unitId) {
        SimulatedUnit u = units.get(unitId);
        if (u == null) {
            throw new IllegalArgumentException("no unit " + unitId + "; units: " + units.keySet());
        }
        return u;
    }

    /** The first unit (1 unless configured otherwise). */
    public SimulatedUnit unit() {
        return units.values().iterator().next();
    }

    /** Requests served by all units. */
    public long requests() {
        return units.values().stream().mapToLong(SimulatedUnit::requests).sum();
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
        ModbusSlaveFactory.close(slave);
    }

    /** Runs a demo simulator until killed: {@code [port] [units...]}; prints the port it listens on. */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 5020;
        int[] ids = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {1};
        try (ModbusSimulator sim = builder().port(port).unitIds(ids).demo().start()) {
            System.out.println("modbus simulator listening on 127.0.0.1:" + sim.port() + " units " + Arrays.toString(ids));
            new CountDownLatch(1).await();
        }
    }
}
