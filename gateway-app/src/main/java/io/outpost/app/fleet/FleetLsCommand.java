package io.outpost.app.fleet;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "ls", description = "List the gateways from their retained births.")
public final class FleetLsCommand implements Callable<Integer> {

    @Mixin
    FleetConnectionOptions connection;

    @Option(names = "--to", defaultValue = "*", paramLabel = "GLOB", description = "Only gateways whose id matches.")
    String to;

    @Option(names = "--wait", defaultValue = "2s", description = "How long to collect births after connecting.")
    String wait;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (FleetClient client = new FleetClient(connection.settings(), connection.prefix)) {
            client.awaitInventory(Duration.ofSeconds(30), duration(wait));
            print(spec.commandLine().getOut(), client.births(), to);
        }
        return FleetCommand.OK;
    }

    static void print(PrintWriter out, Map<String, FleetClient.Birth> births, String glob) {
        out.printf("%-24s %-8s %-10s %-8s %-14s %s%n", "GATEWAY", "STATE", "SOFTWARE", "CONFIG", "HASH", "DEVICES");
        births.values().stream().filter(b -> Glob.matches(glob, b.gateway())).forEach(b ->
                out.printf("%-24s %-8s %-10s %-8d %-14s %d/%d online%n", b.gateway(), b.state(), b.software(),
                        b.configVersion(), b.configHash().isEmpty() ? "-" : b.configHash().substring(0, 12),
                        b.devicesOnline(), b.devices()));
    }

    private static Duration duration(String text) {
        return io.outpost.core.config.Durations.parse(text)
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not a duration such as 2s or 10m"));
    }
}
