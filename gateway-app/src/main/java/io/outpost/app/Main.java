package io.outpost.app;

import picocli.CommandLine;

/** The {@code outpost} command. Only this class exits the JVM. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (documented in {@link ExitCodes}). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new OutpostCommand());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("outpost: " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(Main.class).error("command failed", e);
            return ExitCodes.FAILURE;
        });
        return cli.execute(args);
    }
}
