package io.outpost.app;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.ConfigProblem;
import io.outpost.core.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "validate", description = "Check a configuration file and list every mistake in it (exit 0 when valid, 2 when not).")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CONFIG", description = "The gateway's YAML configuration file.")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            GatewayConfig loaded = new ConfigFiles().load(config);
            long points = loaded.devices().stream().mapToLong(d -> d.points().size()).sum();
            spec.commandLine().getOut().printf("%s is valid: gateway %s, %d device(s), %d point(s)%n", config,
                    loaded.gateway().id(), loaded.devices().size(), points);
            return ExitCodes.OK;
        } catch (ConfigException e) {
            var err = spec.commandLine().getErr();
            err.printf("%s has %d problem(s):%n", config, e.problems().size());
            for (ConfigProblem p : e.problems()) {
                err.println("  " + p);
            }
            return ExitCodes.INVALID;
        }
    }
}
