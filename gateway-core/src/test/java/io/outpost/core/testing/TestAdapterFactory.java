package io.outpost.core.testing;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.point.DataType;
import io.outpost.core.spi.AdapterContext;
import io.outpost.core.spi.AdapterFactory;
import io.outpost.core.spi.DeviceAdapter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Protocol {@code test}: a device with {@code connection: {host, port}} and points with a required
 * {@code address}. The adapters it creates are kept so that tests can steer them.
 */
public final class TestAdapterFactory implements AdapterFactory<TestAdapterFactory.Device, TestAdapterFactory.Point> {

    public record Device(String host, int port) {
    }

    public record Point(int address) {
    }

    private final Map<String, TestAdapter> created = new ConcurrentHashMap<>();

    @Override
    public String protocol() {
        return "test";
    }

    @Override
    public Class<Device> deviceSettingsType() {
        return Device.class;
    }

    @Override
    public Class<Point> pointSettingsType() {
        return Point.class;
    }

    @Override
    public Device parseDevice(ConfigNode device) {
        ConfigNode connection = device.mapping("connection");
        String host = connection.string("host", "127.0.0.1");
        int port = connection.integer("port", 1502, 1, 65_535);
        connection.rejectUnknownKeys();
        return new Device(host, port);
    }

    @Override
    public Point parsePoint(ConfigNode point, Device device, DataType type) {
        if (!point.has("address")) {
            point.missing("address", "give the register number, e.g. address: 40001");
            return new Point(0);
        }
        return new Point(point.integer("address", 0L, 65_535L).map(Long::intValue).orElse(0));
    }

    @Override
    public DeviceAdapter create(DeviceConfig device, AdapterContext context) {
        TestAdapter adapter = new TestAdapter(device, context);
        created.put(device.id(), adapter);
        return adapter;
    }

    public TestAdapter adapter(String deviceId) {
        TestAdapter a = created.get(deviceId);
        if (a == null) {
            throw new IllegalStateException("no adapter created for " + deviceId);
        }
        return a;
    }
}
