package io.outpost.adapter.modbus.testing;

import io.outpost.adapter.modbus.ModbusAdapterFactory;
import io.outpost.core.config.ConfigException;
import io.outpost.core.config.ConfigProblem;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.Interpolator;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.spi.AdapterCatalog;
import java.nio.file.Path;
import java.util.List;

/** Loads YAML through the real config loader with the Modbus adapter, the way the gateway does. */
public final class ModbusConfigs {

    public static final AdapterCatalog CATALOG = new AdapterCatalog(List.of(new ModbusAdapterFactory()));

    private ModbusConfigs() {
    }

    public static ConfigLoader loader() {
        return new ConfigLoader(CATALOG, List.of(), PayloadFormats.standard().names(), new Interpolator(name -> null));
    }

    /** A gateway with the given {@code devices:} entries (indented list items). */
    public static GatewayConfig gateway(String devices) throws ConfigException {
        return loader().parse("gateway: {id: test-gw, data-dir: /tmp/outpost-modbus-test}\ndevices:\n" + devices,
                Path.of("test.yaml"));
    }

    /** The first device of {@link #gateway}. */
    public static DeviceConfig device(String devices) {
        try {
            return gateway(devices).devices().get(0);
        } catch (ConfigException e) {
            throw new AssertionError("config should load:\n" + e.getMessage(), e);
        }
    }

    /** The problems the loader reports; empty when the config loads. */
    public static List<ConfigProblem> problems(String devices) {
        try {
            gateway(devices);
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    /** One Modbus TCP device on loopback with the given extra device keys and points. */
    public static String tcpDevice(int port, String extraDeviceKeys, String points) {
        return "  - id: dev\n"
                + "    protocol: modbus\n"
                + "    timeout: 2s\n"
                + "    connection: {transport: tcp, host: 127.0.0.1, port: " + port + ", request-timeout: 500ms}\n"
                + indent(extraDeviceKeys, 4)
                + "    points:\n"
                + indent(points, 6);
    }

    public static String indent(String text, int spaces) {
        if (text.isBlank()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String line : text.stripTrailing().split("\n")) {
            out.append(" ".repeat(spaces)).append(line).append('\n');
        }
        return out.toString();
    }
}
