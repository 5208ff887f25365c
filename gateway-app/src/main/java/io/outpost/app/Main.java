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
        // The streams of this moment (tests and the demo swap them), flushed line by line for live tables.
        cli.setOut(new java.io.PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true));
        cli.setErr(new java.io.PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("outpost: " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(Main.class).error("command failed", e);
            return ExitCodes.FAILURE;
        });
        int status = cli.execute(args);
        cli.getOut().flush();
        cli.getErr().flush();
        return status;
    }
}
