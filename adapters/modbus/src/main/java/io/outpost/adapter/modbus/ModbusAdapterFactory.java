package io.outpost.adapter.modbus;

import io.outpost.adapter.modbus.config.ModbusConfigReader;
import io.outpost.adapter.modbus.config.ModbusConnection;
import io.outpost.adapter.modbus.config.ModbusDevice;
import io.outpost.adapter.modbus.config.ModbusDeviceValidator;
import io.outpost.adapter.modbus.config.ModbusPoint;
import io.outpost.adapter.modbus.config.Transport;
import io.outpost.adapter.modbus.line.ModbusLine;
import io.outpost.adapter.modbus.plan.LearnedCuts;
import io.outpost.adapter.modbus.plan.ReadPlanner;
import io.outpost.adapter.modbus.read.ModbusSession;
import io.outpost.adapter.modbus.transport.Transports;
import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.ConfigProblems;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.point.DataType;
import io.outpost.core.spi.AdapterContext;
import io.outpost.core.spi.AdapterFactory;
import io.outpost.core.spi.DeviceAdapter;
import io.outpost.core.spi.DeviceException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protocol {@code modbus}: Modbus TCP, RTU over a serial port, and RTU over TCP. Stateless; found through
 * {@code META-INF/services}.
 */
public final class ModbusAdapterFactory implements AdapterFactory<ModbusDevice, ModbusPoint> {

    private static final Logger LOG = LoggerFactory.getLogger(ModbusAdapterFactory.class);
    private static final Duration MAX_DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(1);

    private final ModbusConfigReader reader = new ModbusConfigReader();
    private final ModbusDeviceValidator validator = new ModbusDeviceValidator();

    @Override
    public String protocol() {
        return "modbus";
    }

    @Override
    public Class<ModbusDevice> deviceSettingsType() {
        return ModbusDevice.class;
    }

    @Override
    public Class<ModbusPoint> pointSettingsType() {
        return ModbusPoint.class;
    }

    @Override
    public ModbusDevice parseDevice(ConfigNode device) {
        return reader.readDevice(device);
    }

    @Override
    public ModbusPoint parsePoint(ConfigNode point, ModbusDevice device, DataType type) {
        return reader.readPoint(point, device, type);
    }

    @Override
    public void validateDevice(DeviceConfig device, ConfigProblems problems) {
        validator.validate(device, problems);
    }

    @Override
    public DeviceAdapter create(DeviceConfig device, AdapterContext context) {
        ModbusDevice settings = device.settings(ModbusDevice.class);
        ModbusConnection connection = settings.connection();
        ReadPlanner planner = new ReadPlanner(settings, device.points(), new LearnedCuts());
        ModbusSession session = new ModbusSession(device.id(), settings, planner, context.scheduler().clock(),
                context.meters(), context::reportStatus);
        Duration requestTimeout = requestTimeout(connection, device.timeout());
        Duration connectTimeout = connectTimeout(connection, device.timeout());
        String key = connection.sharedLineKey();
        if (key.isEmpty()) {
            ModbusLine line = new ModbusLine(device.id() + " (" + connection.describe() + ")",
                    Transports.create(connection, requestTimeout, connectTimeout), context.ioExecutor(), null, connection);
            return new ModbusDeviceAdapter(session, line, true, null);
        }
        ModbusLine line = context.shared(key, ModbusLine.class, () -> {
            ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "outpost-" + key.replace(':', '-'));
                t.setDaemon(true);
                return t;
            });
            return new ModbusLine(key, Transports.create(connection, requestTimeout, connectTimeout), thread, thread,
                    connection);
        });
        return new ModbusDeviceAdapter(session, line, false, conflict(device.id(), connection, line));
    }

    /**
     * Devices that share a serial port must agree on its settings; the first one opened the port, and a device that
     * wants other settings cannot be served (config validation sees one device at a time, so this is checked here).
     */
    private static DeviceException conflict(String deviceId, ModbusConnection wanted, ModbusLine line) {
        ModbusConnection opened = line.connection();
        if (wanted.transport() == Transport.RTU && !Objects.equals(opened.serial(), wanted.serial())) {
            String message = "device " + deviceId + " wants " + wanted.serial() + " but another device opened "
                    + opened.serial() + "; devices on one serial port must use the same settings";
            LOG.error(message);
            return new DeviceException("config-conflict", message);
        }
        return null;
    }

    /** Half the device timeout, at most 1 s: a dead unit then costs at most two timeouts inside one read. */
    static Duration requestTimeout(ModbusConnection c, Duration deviceTimeout) {
        if (c.requestTimeout() != null) {
            return c.requestTimeout();
        }
        Duration half = deviceTimeout.dividedBy(2);
        return half.compareTo(MAX_DEFAULT_REQUEST_TIMEOUT) > 0 ? MAX_DEFAULT_REQUEST_TIMEOUT : half;
    }

    static Duration connectTimeout(ModbusConnection c, Duration deviceTimeout) {
        return c.connectTimeout() != null ? c.connectTimeout() : deviceTimeout.dividedBy(2);
    }
}
