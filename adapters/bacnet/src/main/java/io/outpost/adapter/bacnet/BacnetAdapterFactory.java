package io.outpost.adapter.bacnet;

import io.outpost.adapter.bacnet.config.BacnetDeviceSettings;
import io.outpost.adapter.bacnet.config.BacnetPointSettings;
import io.outpost.adapter.bacnet.config.BacnetSettingsReader;
import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.ConfigProblems;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.PointConfig;
import io.outpost.core.point.DataType;
import io.outpost.core.spi.AdapterContext;
import io.outpost.core.spi.AdapterFactory;
import io.outpost.core.spi.DeviceAdapter;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Protocol {@code bacnet}: BACnet/IP devices read through the gateway's own BACnet device (the {@code bacnet:}
 * section). Points name an object and a property; the device's own datatypes decide the values, so points need no
 * {@code type:}.
 */
public final class BacnetAdapterFactory implements AdapterFactory<BacnetDeviceSettings, BacnetPointSettings> {

    public static final String PROTOCOL = "bacnet";

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    public Class<BacnetDeviceSettings> deviceSettingsType() {
        return BacnetDeviceSettings.class;
    }

    @Override
    public Class<BacnetPointSettings> pointSettingsType() {
        return BacnetPointSettings.class;
    }

    @Override
    public BacnetDeviceSettings parseDevice(ConfigNode device) {
        return BacnetSettingsReader.device(device);
    }

    @Override
    public BacnetPointSettings parsePoint(ConfigNode point, BacnetDeviceSettings device, DataType type) {
        return BacnetSettingsReader.point(point);
    }

    /** Two COV points on one object and property must agree on the increment: they share one subscription. */
    @Override
    public void validateDevice(DeviceConfig device, ConfigProblems problems) {
        Map<String, PointConfig> covByProperty = new HashMap<>();
        for (PointConfig p : device.points()) {
            BacnetPointSettings s = p.settings(BacnetPointSettings.class);
            if (!s.cov()) {
                continue;
            }
            PointConfig other = covByProperty.putIfAbsent(s.describe(), p);
            if (other != null && !Objects.equals(other.settings(BacnetPointSettings.class).covIncrement(), s.covIncrement())) {
                problems.add(p.location(), "", "points '" + other.id() + "' and '" + p.id() + "' watch " + s.describe()
                        + " with different cov-increment; give them the same one");
            }
        }
    }

    @Override
    public DeviceAdapter create(DeviceConfig device, AdapterContext context) {
        return new BacnetDeviceAdapter(device, context);
    }
}
