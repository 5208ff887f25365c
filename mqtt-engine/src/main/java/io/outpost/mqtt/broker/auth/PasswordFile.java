package io.outpost.mqtt.broker.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The broker's users: a text file with one {@code user:hash} line per user (hash as written by
 * {@link PasswordHasher}), {@code #} comments and blank lines. Immutable once read.
 *
 * <pre>
 * # written by: outpost passwd /etc/outpost/passwd hmi
 * hmi:$pbkdf2-sha512$210000$3q2+7w...$Zm9v...
 * </pre>
 */
public final class PasswordFile {

    private final Map<String, String> hashes;

    private PasswordFile(Map<String, String> hashes) {
        this.hashes = Collections.unmodifiableMap(hashes);
    }

    /** Reads a file; every unreadable line is named with its number in the exception. */
    public static PasswordFile read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, String> hashes = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String where = file + ":" + (i + 1) + ": ";
            if (colon <= 0) {
                problems.add(where + "expected user:hash");
                continue;
            }
            String user = line.substring(0, colon);
            String hash = line.substring(colon + 1);
            String problem = PasswordHasher.problem(hash);
            if (problem != null) {
                problems.add(where + "user " + user + ": " + problem);
            } else if (hashes.putIfAbsent(user, hash) != null) {
                problems.add(where + "user " + user + " appears twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException("the password file has unreadable lines: " + String.join("; ", problems));
        }
        return new PasswordFile(hashes);
    }

    /** The stored hash of a user, or null when there is no such user. */
    public String hashOf(String user) {
        return hashes.get(user);
    }

    public boolean isEmpty() {
        return hashes.isEmpty();
    }

    public List<String> users() {
        return List.copyOf(hashes.keySet());
    }
}
