package io.outpost.adapter.modbus;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.adapter.modbus.config.ModbusConnection;
import io.outpost.adapter.modbus.testing.AdapterRig;
import io.outpost.adapter.modbus.testing.ModbusConfigs;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.poll.SharedResources;
import io.outpost.core.spi.AdapterCatalog;
import io.outpost.core.spi.DeviceException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ModbusAdapterFactoryTest {

    private static String serialDevice(String id, int baud) {
        return "  - id: " + id + "\n    protocol: modbus\n"
                + "    connection: {transport: rtu, serial-port: /dev/ttyOUTPOST-TEST, baud-rate: " + baud + "}\n"
                + "    unit-id: 1\n    points: [{id: v, address: 40001, type: uint16}]\n";
    }

    @Test
    void factory_isFoundThroughServiceLoader() {
        assertThat(AdapterCatalog.fromServiceLoader().find("modbus")).get().isInstanceOf(ModbusAdapterFactory.class);
    }

    @Test
    void requestTimeout_defaultsToHalfTheDeviceTimeoutAtMostOneSecond() {
        ModbusConnection c = ModbusConnection.tcp("127.0.0.1", 502);
        assertThat(ModbusAdapterFactory.requestTimeout(c, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(1));
        assertThat(ModbusAdapterFactory.requestTimeout(c, Duration.ofMillis(800))).isEqualTo(Duration.ofMillis(400));
        assertThat(ModbusAdapterFactory.requestTimeout(c.withTimeouts(Duration.ofMillis(250), null), Duration.ofSeconds(3)))
                .isEqualTo(Duration.ofMillis(250));
        assertThat(ModbusAdapterFactory.connectTimeout(c, Duration.ofSeconds(3))).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void devicesOnOneSerialPort_shareTheLine_andOneWithOtherSettingsIsRefused() throws Exception {
        SharedResources shared = new SharedResources();
        DeviceConfig first = ModbusConfigs.device(serialDevice("first", 19_200));
        DeviceConfig same = ModbusConfigs.device(serialDevice("same", 19_200));
        DeviceConfig other = ModbusConfigs.device(serialDevice("other", 9_600));
        try (AdapterRig a = new AdapterRig(first, shared);
             AdapterRig b = new AdapterRig(same, shared);
             AdapterRig c = new AdapterRig(other, shared)) {
            assertThat(shared.users("modbus-serial:/dev/ttyOUTPOST-TEST")).isEqualTo(3);
            assertThat(a.adapter.session().deviceId()).isEqualTo("first");
            Throwable refused = c.readFailure();
            assertThat(((DeviceException) refused).reason()).isEqualTo("config-conflict");
            assertThat(refused).hasMessageContaining("9600").hasMessageContaining("19200");
            assertThat(((DeviceException) b.readFailure()).reason()).isEqualTo("port-unavailable");
        }
        assertThat(shared.users("modbus-serial:/dev/ttyOUTPOST-TEST")).isZero();
    }
}
