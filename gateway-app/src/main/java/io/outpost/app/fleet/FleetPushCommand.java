package io.outpost.app.fleet;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "push", description = "Push a signed configuration to the matching online gateways, canary set first; "
        + "stops at the first gateway that rejects or rolls it back (exit 1).")
public final class FleetPushCommand implements Callable<Integer> {

    @Mixin
    FleetConnectionOptions connection;

    @Parameters(paramLabel = "CONFIG", description = "The configuration file to push.")
    Path config;

    @Option(names = "--to", required = true, paramLabel = "GLOB", description = "Gateway ids, e.g. 'north-*'.")
    String to;

    @Option(names = "--key", required = true, paramLabel = "FILE",
            description = "The private signing key (NAME.key from 'outpost fleet keygen'); its id is NAME.")
    Path key;

    @Option(names = "--canary", paramLabel = "N|P%", description = "Push to this many (or this share of) gateways "
            + "first and wait for them to be healthy.")
    String canary;

    @Option(names = "--timeout", defaultValue = "10m", description = "How long a stage may take (grace period + "
            + "apply; default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--wait", defaultValue = "2s", description = "How long to collect births after connecting.")
    String wait;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        byte[] bytes = Files.readAllBytes(config);
        PrivateKey privateKey = Ed25519Keys.readPrivate(key);
        String keyId = key.getFileName().toString().replaceFirst("\\.key$", "");
        try (FleetClient client = new FleetClient(connection.settings(), connection.prefix)) {
            client.awaitInventory(Duration.ofSeconds(30), duration(wait));
            List<String> matching = client.births().values().stream().filter(b -> Glob.matches(to, b.gateway()))
                    .map(FleetClient.Birth::gateway).toList();
            List<String> online = client.births().values().stream().filter(b -> Glob.matches(to, b.gateway()))
                    .filter(FleetClient.Birth::online).map(FleetClient.Birth::gateway).toList();
            if (online.isEmpty()) {
                spec.commandLine().getErr().printf("no online gateway matches '%s' (%d match offline)%n", to,
                        matching.size());
                return FleetCommand.FAILURE;
            }
            if (online.size() < matching.size()) {
                out.printf("skipping %d offline gateway(s)%n", matching.size() - online.size());
            }
            List<List<String>> stages = FleetRollout.stages(online, canary);
            FleetRollout.Outcome outcome = new FleetRollout(client, privateKey, keyId, duration(timeout), out)
                    .run(stages, bytes);
            if (outcome.complete()) {
                out.printf("pushed to %d gateway(s): all healthy%n", outcome.results().size());
                return FleetCommand.OK;
            }
            out.printf("STOPPED: %s; %d gateway(s) not pushed to%n", outcome.stoppedBecause(), outcome.notReached().size());
            return FleetCommand.FAILURE;
        }
    }

    private static Duration duration(String text) {
        return io.outpost.core.config.Durations.parse(text)
                .orElseThrow(() -> new IllegalArgumentException("'" + text + "' is not a duration such as 2s or 10m"));
    }
}
