package io.outpost.app.fleet;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code outpost fleet}: run the fleet from a workstation through the cloud broker (MQTT only). */
@Command(name = "fleet", description = "Run a fleet of gateways through the cloud broker: keygen, ls, push, status, cmd "
        + "(see docs/fleet.md).",
        subcommands = {FleetKeygenCommand.class, FleetLsCommand.class, FleetPushCommand.class, FleetStatusCommand.class,
                FleetCmdCommand.class})
public final class FleetCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Exit codes as {@code io.outpost.app.ExitCodes} has them (that class is the application's, not public). */
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int INVALID = 2;
}
