package io.outpost.app.fleet;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", description = "Show each gateway's configuration in force and the last remote configuration "
        + "result (retained).")
public final class FleetStatusCommand implements Callable<Integer> {

    @Mixin
    FleetConnectionOptions connection;

    @Option(names = "--to", defaultValue = "*", paramLabel = "GLOB", description = "Only gateways whose id matches.")
    String to;

    @Option(names = "--wait", defaultValue = "2s", description = "How long to collect births and results.")
    String wait;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (FleetClient client = new FleetClient(connection.settings(), connection.prefix)) {
            client.awaitInventory(Duration.ofSeconds(30), duration(wait));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-24s %-8s %-8s %s%n", "GATEWAY", "STATE", "CONFIG", "LAST RESULT");
            client.births().values().stream().filter(b -> Glob.matches(to, b.gateway())).forEach(b -> {
                FleetClient.Result r = client.results().get(b.gateway());
                String last = r == null ? "-" : "version " + r.version() + " " + r.status()
                        + (r.reason().isEmpty() ? "" : " (" + r.reason() + "): " + r.detail());
                out.printf("%-24s %-8s %-8d %s%n", b.gateway(), b.state(), b.configVersion(), last);
            });
        }
        return FleetCommand.OK;
    }

    private static Duration duration(String text) {
        return io.outpost.core.config.Durations.parse(text)
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not a duration such as 2s or 10m"));
    }
}
