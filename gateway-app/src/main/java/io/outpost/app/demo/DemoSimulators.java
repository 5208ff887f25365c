package io.outpost.app.demo;

import io.outpost.adapter.bacnet.sim.BacnetSimulator;
import io.outpost.adapter.modbus.sim.ModbusSimulator;
import io.outpost.adapter.opcua.sim.OpcUaSimulator;
import java.time.Duration;

/**
 * The demo's field devices, in-process and on loopback, with values that move: a tank whose level fills and
 * drains with a pump (Modbus), a boiler (OPC UA), an air handler (BACnet). The same simulators serve the tests
 * and the benchmarks.
 */
public final class DemoSimulators implements AutoCloseable {

    public static final String OPCUA_USER = "operator";
    public static final String OPCUA_PASSWORD = "demo-only";
    public static final int BACNET_INSTANCE = 1001;

    private final ModbusSimulator modbus;
    private final OpcUaSimulator opcua;
    private final BacnetSimulator bacnet;

    private DemoSimulators(ModbusSimulator modbus, OpcUaSimulator opcua, BacnetSimulator bacnet) {
        this.modbus = modbus;
        this.opcua = opcua;
        this.bacnet = bacnet;
    }

    /** Starts the three simulators on the given ports (0: a free one). */
    public static DemoSimulators start(int modbusPort, int opcuaPort, int bacnetPort) throws Exception {
        ModbusSimulator modbus = ModbusSimulator.builder().port(modbusPort).demo().start();
        OpcUaSimulator opcua = null;
        try {
            opcua = OpcUaSimulator.builder().port(opcuaPort).user(OPCUA_USER, OPCUA_PASSWORD).build().start();
            // The simulator is also the BACnet/IP broadcast manager of this loopback "network", so that the
            // gateway's Who-Is and the device's I-Am reach each other across UDP ports.
            BacnetSimulator bacnet = BacnetSimulator.builder().instance(BACNET_INSTANCE).name("demo-ahu").port(bacnetPort)
                    .bbmd().motion(Duration.ofSeconds(1)).start();
            return new DemoSimulators(modbus, opcua, bacnet);
        } catch (Exception e) {
            if (opcua != null) {
                opcua.close();
            }
            modbus.close();
            throw e;
        }
    }

    public int modbusPort() {
        return modbus.port();
    }

    public int opcuaPort() {
        return opcua.port();
    }

    public int bacnetPort() {
        return bacnet.port();
    }

    public ModbusSimulator modbus() {
        return modbus;
    }

    @Override
    public void close() {
        bacnet.close();
        opcua.close();
        modbus.close();
    }
}
