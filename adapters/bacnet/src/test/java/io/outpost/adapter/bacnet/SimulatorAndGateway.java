package io.outpost.adapter.bacnet;

import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import org.junit.jupiter.api.AfterEach;

/** A test with a simulated device and a gateway reading it; whatever a test started is stopped after it. */
abstract class SimulatorAndGateway {

    protected BacnetSimulator sim;
    protected GatewayUnderTest gateway;

    @AfterEach
    void stopGatewayAndSimulator() {
        if (gateway != null) {
            gateway.close();
        }
        if (sim != null) {
            sim.close();
        }
    }
}
