package io.outpost.app;

import io.outpost.adapter.bacnet.config.BacnetNetworkConfig;
import io.outpost.adapter.bacnet.discovery.BacnetDiscovery;
import io.outpost.adapter.bacnet.discovery.DiscoveredDevice;
import io.outpost.adapter.bacnet.discovery.DiscoveredObject;
import io.outpost.adapter.bacnet.discovery.DiscoveryTable;
import io.outpost.adapter.bacnet.discovery.BacnetPointListYaml;
import io.outpost.adapter.bacnet.stack.BacnetStack;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.spi.DeviceException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "discover", description = {
    "Find BACnet/IP devices with Who-Is (using the bacnet: section of CONFIG for our local device, port and BBMD)",
    "and list their objects (type, instance, name, units), or print a ready YAML device entry (--yaml).",
    "Uses the bacnet: port: stop a gateway running on this machine first, or give --port."})
final class DiscoverCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Configuration file with the bacnet: section.")
    Path config;

    @Option(names = "--low", description = "Lowest device instance to ask for.")
    Integer low;

    @Option(names = "--high", description = "Highest device instance to ask for.")
    Integer high;

    @Option(names = "--listen", description = "How long to collect I-Am answers (default: ${DEFAULT-VALUE}).",
            defaultValue = "3s", converter = DurationConverter.class)
    Duration listen;

    @Option(names = "--objects", description = "Also list the objects of every device found.")
    boolean objects;

    @Option(names = "--yaml", description = "Print a devices: entry with every point-like object of each device found.")
    boolean yaml;

    @Option(names = "--port", description = "UDP port for our local device instead of the config's.")
    Integer port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            GatewayConfig loaded = ToolSupport.load(config);
            BacnetNetworkConfig network = loaded.section("bacnet", BacnetNetworkConfig.class)
                    .orElseThrow(() -> new ToolSupport.ToolFailure(ExitCodes.INVALID, "no bacnet: section"));
            if (port != null) {
                network = network.withPort(port);
            }
            try (BacnetStack stack = new BacnetStack(network)) {
                BacnetDiscovery discovery = new BacnetDiscovery(stack);
                List<DiscoveredDevice> found = discovery.whoIs(low, high, listen);
                if (!yaml) {
                    out.print(DiscoveryTable.devices(found));
                }
                for (DiscoveredDevice d : found) {
                    if (yaml || objects) {
                        List<DiscoveredObject> list = discovery.objects(d);
                        out.print(yaml ? BacnetPointListYaml.render("device-" + d.instance(), d, list)
                                : "\ndevice " + d.instance() + ":\n" + DiscoveryTable.objects(list));
                    }
                }
            }
            return ExitCodes.OK;
        } catch (ToolSupport.ToolFailure f) {
            return ToolSupport.fail(spec.commandLine().getErr(), f);
        } catch (DeviceException e) {
            return ToolSupport.fail(spec.commandLine().getErr(), e);
        }
    }
}
