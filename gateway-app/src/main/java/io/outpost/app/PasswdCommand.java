package io.outpost.app;

import io.outpost.mqtt.broker.auth.PasswordFileEditor;
import io.outpost.mqtt.broker.auth.PasswordHasher;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "passwd", description = {
    "Add a user to the broker's password file or change its password (salted PBKDF2-HMAC-SHA512), remove one",
    "(--delete) or list them (--list). The password is asked on the terminal, or read from standard input",
    "with --stdin (for scripts); it never appears on the command line. The file keeps its owner, group and",
    "mode (installed root:outpost 0640); a new file is created 0640 with its directory's group."})
final class PasswdCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The password file (broker.password-file).")
    Path file;

    @Parameters(index = "1", arity = "0..1", paramLabel = "USER", description = "The user to add, change or delete.")
    String user;

    @Option(names = {"-d", "--delete"}, description = "Remove USER.")
    boolean delete;

    @Option(names = {"-l", "--list"}, description = "List the users.")
    boolean list;

    @Option(names = "--stdin", description = "Read the password from the first line of standard input.")
    boolean stdin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        try {
            return edit();
        } catch (IOException e) {
            // Loud and plain: the file is left as it was.
            spec.commandLine().getErr().println("outpost: " + file + ": " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    private int edit() throws IOException {
        PasswordFileEditor editor = new PasswordFileEditor(file, new PasswordHasher());
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (list) {
            editor.users().forEach(out::println);
            return ExitCodes.OK;
        }
        if (user == null) {
            err.println("outpost: give USER (or --list)");
            return ExitCodes.INVALID;
        }
        try {
            if (delete) {
                boolean removed = editor.remove(user);
                out.println(removed ? "removed " + user : "no user " + user + " in " + file);
                return removed ? ExitCodes.OK : ExitCodes.INVALID;
            }
            char[] password = readPassword();
            if (password == null) {
                err.println("outpost: no password given");
                return ExitCodes.INVALID;
            }
            try {
                boolean added = editor.setPassword(user, password);
                out.println((added ? "added " : "changed the password of ") + user + " in " + file);
            } finally {
                Arrays.fill(password, '\0');
            }
            return ExitCodes.OK;
        } catch (IllegalArgumentException e) {
            err.println("outpost: " + e.getMessage());
            return ExitCodes.INVALID;
        }
    }

    private char[] readPassword() throws IOException {
        Console console = System.console();
        if (!stdin && console != null) {
            char[] first = console.readPassword("password for %s: ", user);
            char[] again = console.readPassword("again: ");
            if (first == null || !Arrays.equals(first, again)) {
                spec.commandLine().getErr().println("outpost: the passwords differ");
                return null;
            }
            return first;
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return line == null || line.isEmpty() ? null : line.toCharArray();
    }
}
