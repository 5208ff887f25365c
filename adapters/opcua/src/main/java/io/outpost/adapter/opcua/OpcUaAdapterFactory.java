package io.outpost.adapter.opcua;

import io.outpost.adapter.opcua.config.OpcUaConfigReader;
import io.outpost.adapter.opcua.config.OpcUaDeviceSettings;
import io.outpost.adapter.opcua.config.OpcUaPointSettings;
import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.point.DataType;
import io.outpost.core.spi.AdapterContext;
import io.outpost.core.spi.AdapterFactory;
import io.outpost.core.spi.DeviceAdapter;

/**
 * Protocol {@code opcua}: OPC UA servers through Eclipse Milo. A point's {@code type:} may be left out, since the
 * node knows its own type. Stateless.
 */
public final class OpcUaAdapterFactory implements AdapterFactory<OpcUaDeviceSettings, OpcUaPointSettings> {

    @Override
    public String protocol() {
        return "opcua";
    }

    @Override
    public Class<OpcUaDeviceSettings> deviceSettingsType() {
        return OpcUaDeviceSettings.class;
    }

    @Override
    public Class<OpcUaPointSettings> pointSettingsType() {
        return OpcUaPointSettings.class;
    }

    @Override
    public OpcUaDeviceSettings parseDevice(ConfigNode device) {
        return OpcUaConfigReader.device(device);
    }

    @Override
    public OpcUaPointSettings parsePoint(ConfigNode point, OpcUaDeviceSettings device, DataType type) {
        return OpcUaConfigReader.point(point);
    }

    @Override
    public DeviceAdapter create(DeviceConfig device, AdapterContext context) {
        return new OpcUaAdapter(device, context);
    }
}
