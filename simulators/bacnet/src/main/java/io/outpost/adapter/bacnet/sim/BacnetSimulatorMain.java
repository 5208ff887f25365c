package io.outpost.adapter.bacnet.sim;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the simulator on its own for a demo: {@code java -cp ... io.outpost.adapter.bacnet.sim.BacnetSimulatorMain
 * [--port 47809] [--instance 1001] [--bind 127.0.0.1] [--broadcast 127.0.0.1] [--inputs 20] [--bbmd]}. The zone
 * temperature moves every two seconds; it runs until the process is stopped.
 */
public final class BacnetSimulatorMain {

    private BacnetSimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        BacnetSimulator.Builder builder = BacnetSimulator.builder().motion(Duration.ofSeconds(2));
        String bind = "127.0.0.1";
        String broadcast = "127.0.0.1";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> builder.port(Integer.parseInt(args[++i]));
                case "--instance" -> builder.instance(Integer.parseInt(args[++i]));
                case "--bind" -> bind = args[++i];
                case "--broadcast" -> broadcast = args[++i];
                case "--inputs" -> builder.extraInputs(Integer.parseInt(args[++i]));
                case "--bbmd" -> builder.bbmd();
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --port N --instance N --bind IP --broadcast IP --inputs N --bbmd");
            }
        }
        BacnetSimulator sim = builder.bind(bind, broadcast).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }, "bacnet-simulator-stop"));
        System.out.println("BACnet simulator: device " + sim.instance() + " on UDP " + bind + ":" + sim.port()
                + " (analog-input:1 zone-temperature, binary-output:1 supply-fan, multi-state-value:1 mode, "
                + "analog-value:1 setpoint); stop with Ctrl-C");
        stopped.await();
    }
}
