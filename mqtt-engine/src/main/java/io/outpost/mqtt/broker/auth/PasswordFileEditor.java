package io.outpost.mqtt.broker.auth;

import io.outpost.mqtt.broker.persist.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds, updates and removes users of a password file, for the {@code outpost passwd} command. Comments and the
 * order of other users are kept; the file is replaced atomically (a crash leaves the old or the new file, never
 * half of one) and is readable by its owner only. The running broker notices the change on the next connect.
 *
 * <p>Not for concurrent use on the same file; blocking.
 */
public final class PasswordFileEditor {

    private final Path file;
    private final PasswordHasher hasher;

    public PasswordFileEditor(Path file, PasswordHasher hasher) {
        this.file = file;
        this.hasher = hasher;
    }

    /**
     * Sets a user's password, adding the user when new.
     *
     * @return true when the user was added, false when an existing user's password was replaced
     * @throws IllegalArgumentException when the user name cannot be stored (empty, ':' or a line break in it)
     */
    public boolean setPassword(String user, char[] password) throws IOException {
        checkUser(user);
        if (password.length == 0) {
            throw new IllegalArgumentException("the password must not be empty");
        }
        String entry = user + ":" + hasher.hash(password);
        List<String> lines = readLines();
        int at = indexOf(lines, user);
        if (at >= 0) {
            lines.set(at, entry);
        } else {
            lines.add(entry);
        }
        write(lines);
        return at < 0;
    }

    /** Removes a user; returns false when there was no such user (the file is then left as it was). */
    public boolean remove(String user) throws IOException {
        List<String> lines = readLines();
        int at = indexOf(lines, user);
        if (at < 0) {
            return false;
        }
        lines.remove(at);
        write(lines);
        return true;
    }

    /** The users in the file, in file order. */
    public List<String> users() throws IOException {
        return Files.exists(file) ? PasswordFile.read(file).users() : List.of();
    }

    static void checkUser(String user) {
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("the user name must not be empty");
        }
        if (user.indexOf(':') >= 0 || user.indexOf('\n') >= 0 || user.indexOf('\r') >= 0 || user.startsWith("#")
                || !user.strip().equals(user)) {
            throw new IllegalArgumentException("a user name must not contain ':' or line breaks, start with '#' "
                    + "or have spaces around it: '" + user + "'");
        }
    }

    private List<String> readLines() throws IOException {
        if (!Files.exists(file)) {
            return new ArrayList<>(List.of("# Outpost broker users: user:hash, edited with 'outpost passwd'."));
        }
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private static int indexOf(List<String> lines, String user) {
        String prefix = user + ":";
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private void write(List<String> lines) throws IOException {
        AtomicFiles.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8), true);
    }
}
