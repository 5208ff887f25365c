package io.outpost.adapter.modbus.bench;

import io.outpost.adapter.modbus.sim.ModbusSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * The benchmark's devices, in a process of their own so their CPU time is not counted as the gateway's:
 * {@code N} simulators on free loopback ports, each filled with {@link BenchMap}. Prints {@code PORTS p1,p2,...}.
 */
public final class SimulatorFleet {

    private SimulatorFleet() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        List<ModbusSimulator> sims = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ModbusSimulator sim = ModbusSimulator.builder().size(200).connections(2).start();
            BenchMap.fill(sim.unit(), i);
            sims.add(sim);
        }
        System.out.println("PORTS " + sims.stream().map(s -> Integer.toString(s.port())).collect(Collectors.joining(",")));
        new CountDownLatch(1).await();
    }
}
