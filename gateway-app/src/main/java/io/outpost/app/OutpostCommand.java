package io.outpost.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

@Command(name = "outpost",
        mixinStandardHelpOptions = true,
        versionProvider = OutpostCommand.Version.class,
        description = "Field-bus (Modbus, BACnet/IP, OPC UA) to MQTT edge gateway with durable store-and-forward.",
        subcommands = {RunCommand.class, ValidateCommand.class, PointsCommand.class, BrowseCommand.class, ProbeCommand.class,
            DiscoverCommand.class, PasswdCommand.class, DemoCommand.class, io.outpost.app.fleet.FleetCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (for run: clean shutdown)",
            "1:failure at run time",
            "2:invalid configuration or command line"})
final class OutpostCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"outpost " + BuildInfo.version(), "Java " + System.getProperty("java.version")};
        }
    }
}
