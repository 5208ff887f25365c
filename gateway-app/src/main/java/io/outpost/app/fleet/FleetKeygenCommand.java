package io.outpost.app.fleet;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "keygen", description = "Make an Ed25519 signing key: NAME.key (private, keep it off the gateways) and "
        + "NAME.pub (copy it into each gateway's trusted keys folder).")
public final class FleetKeygenCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "The key id (letters, digits, '.', '_', '-').")
    String name;

    @Option(names = "--dir", defaultValue = ".", description = "Where the two files go (default: the current folder).")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            spec.commandLine().getErr().println("the key name must be letters, digits, '.', '_' or '-' (64 at most)");
            return FleetCommand.INVALID;
        }
        Ed25519Keys.generate(dir, name);
        spec.commandLine().getOut().printf("wrote %s (private, mode 600) and %s%n", dir.resolve(name + ".key"),
                dir.resolve(name + ".pub"));
        return FleetCommand.OK;
    }
}
