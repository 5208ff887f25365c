package io.outpost.adapter.modbus.testing;

import io.outpost.testing.ExternalProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Java program of this module's class path in a process of its own: the simulator for restart tests (a killed
 * process drops its connections like a rebooted device) and the simulator fleet of the benchmark (its CPU time
 * then stays out of the gateway's).
 */
public final class SimulatorProcess {

    private SimulatorProcess() {
    }

    /** Starts {@code mainClass} with {@code args} and waits for an output line containing {@code ready}. */
    public static ExternalProcess start(String name, Class<?> mainClass, String ready, List<String> jvmOptions,
                                        String... args) {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        ExternalProcess p = ExternalProcess.start(name, command, null);
        p.awaitLine(l -> l.contains(ready), Duration.ofSeconds(60));
        return p;
    }

    /** A demo simulator on {@code port} serving {@code units} (default 1). */
    public static ExternalProcess simulator(int port, int... units) {
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(port));
        for (int u : units) {
            args.add(Integer.toString(u));
        }
        return start("modbus-simulator-" + port, io.outpost.adapter.modbus.sim.ModbusSimulator.class, "listening on",
                List.of("-Xmx64m"), args.toArray(String[]::new));
    }
}
