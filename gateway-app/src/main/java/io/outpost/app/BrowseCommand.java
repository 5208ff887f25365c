package io.outpost.app;

import io.outpost.adapter.opcua.browse.BrowseOptions;
import io.outpost.adapter.opcua.browse.BrowseRow;
import io.outpost.adapter.opcua.browse.OpcUaBrowser;
import io.outpost.adapter.opcua.browse.OpcUaPointListYaml;
import io.outpost.adapter.opcua.config.OpcUaDeviceSettings;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.spi.DeviceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "browse", description = {
    "List an OPC UA server's address space (node id, browse name, data type, access) with the connection and",
    "security settings of a device in CONFIG, or print a ready YAML point list (--yaml)."})
final class BrowseCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Configuration file holding the device.")
    Path config;

    @Parameters(index = "1", paramLabel = "DEVICE", description = "Id of an opcua device in CONFIG.")
    String deviceId;

    @Option(names = "--start", description = "Node to start from (default: Objects folder, i=85).", defaultValue = "i=85")
    String start;

    @Option(names = "--depth", description = "Levels to descend (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int depth;

    @Option(names = "--yaml", description = "Print a points: list of the variables, ready to paste into the config.")
    boolean yaml;

    @Option(names = "--timeout", description = "Connection timeout (default: ${DEFAULT-VALUE}).", defaultValue = "30s",
            converter = DurationConverter.class)
    Duration timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        try {
            GatewayConfig loaded = ToolSupport.load(config);
            DeviceConfig device = ToolSupport.device(loaded, deviceId, "opcua");
            List<BrowseRow> rows;
            try (OpcUaBrowser browser = OpcUaBrowser.connect(device.settings(OpcUaDeviceSettings.class),
                    loaded.gateway().dataDir(), loaded.gateway().id(), timeout)) {
                rows = browser.browse(BrowseOptions.DEFAULT.withStart(start).withMaxDepth(depth));
            }
            spec.commandLine().getOut().print(yaml ? OpcUaPointListYaml.render(rows)
                    : ToolSupport.table(List.of("NODE ID", "PATH", "CLASS", "DATA TYPE", "ACCESS"), rows,
                            r -> List.of(r.nodeId(), r.path(), r.nodeClass(), r.dataType(), r.access())));
            return ExitCodes.OK;
        } catch (ToolSupport.ToolFailure f) {
            return ToolSupport.fail(spec.commandLine().getErr(), f);
        } catch (DeviceException e) {
            return ToolSupport.fail(spec.commandLine().getErr(), e);
        }
    }
}
