package io.outpost.mqtt.broker.auth;

import io.outpost.core.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Adds, updates and removes users of a password file, for the {@code outpost passwd} command. Comments and the
 * order of other users are kept; the file is replaced atomically (a crash leaves the old or the new file, never
 * half of one) with its owner, group and mode kept, so that {@code sudo outpost passwd} leaves the file readable by
 * the service (installed root:outpost 0640). A new file is created 0640 with its directory's group. The running
 * broker notices the change on the next connect.
 *
 * <p>Not for concurrent use on the same file; blocking.
 */
public final class PasswordFileEditor {

    /** Owner reads and writes, the service's group reads, nobody else: hashes are still worth guessing at. */
    private static final Set<PosixFilePermission> NEW_FILE_MODE = PosixFilePermissions.fromString("rw-r-----");

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
        return Files.notExists(file) ? List.of() : PasswordFile.read(file).users();
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
        if (!Files.exists(file) && !Files.notExists(file)) {
            // Neither: the directory cannot be searched. Starting a new file here would drop every user.
            throw new IOException("cannot tell whether " + file + " exists (permission denied on its directory?)");
        }
        if (Files.notExists(file)) {
            return new ArrayList<>(List.of("# Outpost broker users: user:hash, edited with 'outpost passwd'."));
        }
        // Refuse to edit what the broker cannot read: the error names the lines to fix by hand.
        PasswordFile.read(file);
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
        AtomicFiles.replaceKeepingAccess(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8),
                NEW_FILE_MODE);
    }
}
