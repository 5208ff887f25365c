package io.outpost.mqtt.broker.auth;

import io.outpost.mqtt.broker.config.ListenerConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a CONNECT may go on: anonymous access per listener, passwords from the password file, and the
 * subject of a verified client certificate when the listener uses it as the user name.
 *
 * <p>Password checks are slow by design, so they run on one dedicated thread with a bounded queue (a connect
 * storm beyond it is answered "server busy" rather than queued for minutes). A successful check is remembered
 * as a SHA-256 digest, so a client that reconnects with the same password costs microseconds; a changed file
 * (checked on every authentication, by modification time and size) is re-read and invalidates what was
 * remembered. A file that cannot be read (permissions, a broken line, deleted) refuses every password login as
 * "server unavailable" until it can be read again, so that deleted users do not keep working from memory.
 * Thread-safe; {@link #close()} stops the thread.
 */
public final class Authenticator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    private static final int QUEUE = 256;
    private static final int MAX_REMEMBERED = 10_000;

    private final Path passwordFile;
    private final ThreadPoolExecutor executor;

    // Confined to the executor's thread.
    private String dummyHash;
    private PasswordFile users;
    private FileTime loadedModified;
    private long loadedSize = -1;
    private boolean unreadable;
    private final Map<String, Remembered> remembered = new HashMap<>();

    private record Remembered(String hash, byte[] digest) {
    }

    /** @param passwordFile the users' file, or null when the broker has none */
    public Authenticator(Path passwordFile) {
        this.passwordFile = passwordFile;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                r -> {
                    Thread t = new Thread(r, "outpost-broker-auth");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Reads the password file once at start, so that a missing or broken file stops the broker with a clear error. */
    public void load() throws IOException {
        if (passwordFile == null) {
            return;
        }
        if (!Files.isReadable(passwordFile)) {
            throw new IOException("broker.password-file " + passwordFile + " does not exist or is not readable; "
                    + "create it with: outpost passwd " + passwordFile + " <user>");
        }
        CompletableFuture<Void> done = CompletableFuture.runAsync(this::reloadIfChanged, executor);
        try {
            done.get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IOException("cannot read broker.password-file " + passwordFile + ": " + e.getMessage(), e);
        }
        if (users == null) {
            throw new IOException("cannot read broker.password-file " + passwordFile);
        }
    }

    /**
     * Authenticates a CONNECT. Any thread; the stage completes on the authentication thread (or at once when no
     * password has to be checked).
     *
     * @param password            as sent, or null
     * @param certificateIdentity the subject CN of the client's verified certificate, or null
     */
    public CompletableFuture<AuthResult> authenticate(ListenerConfig listener, String username, byte[] password,
                                                      String certificateIdentity) {
        if (listener.tls() != null && listener.tls().identityAsUsername() && certificateIdentity != null) {
            return CompletableFuture.completedFuture(AuthResult.accepted(certificateIdentity));
        }
        if (username == null) {
            return CompletableFuture.completedFuture(password == null && listener.allowAnonymous()
                    ? AuthResult.accepted(null) : AuthResult.refused(password == null
                    ? AuthResult.Outcome.NOT_AUTHORIZED : AuthResult.Outcome.BAD_CREDENTIALS));
        }
        if (passwordFile == null) {
            // Without a password file a user name is only a label, which only an open listener may accept.
            return CompletableFuture.completedFuture(listener.allowAnonymous()
                    ? AuthResult.accepted(username) : AuthResult.refused(AuthResult.Outcome.NOT_AUTHORIZED));
        }
        if (password == null) {
            return CompletableFuture.completedFuture(AuthResult.refused(AuthResult.Outcome.BAD_CREDENTIALS));
        }
        byte[] copy = password.clone();
        try {
            return CompletableFuture.supplyAsync(() -> check(username, copy), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(AuthResult.refused(AuthResult.Outcome.BUSY));
        }
    }

    private AuthResult check(String username, byte[] password) {
        try {
            reloadIfChanged();
            if (unreadable) {
                return AuthResult.refused(AuthResult.Outcome.BUSY);
            }
            if (dummyHash == null) {
                dummyHash = new PasswordHasher().hash("not a password".toCharArray());
            }
            String hash = users == null ? null : users.hashOf(username);
            byte[] digest = digest(hash == null ? dummyHash : hash, password);
            Remembered known = remembered.get(username);
            if (hash != null && known != null && known.hash.equals(hash) && MessageDigest.isEqual(known.digest, digest)) {
                return AuthResult.accepted(username);
            }
            char[] chars = toChars(password);
            try {
                // Unknown users cost as much as known ones, so timing does not tell which users exist.
                boolean ok = PasswordHasher.verify(hash == null ? dummyHash : hash, chars) && hash != null;
                if (!ok) {
                    return AuthResult.refused(AuthResult.Outcome.BAD_CREDENTIALS);
                }
            } finally {
                Arrays.fill(chars, '\0');
            }
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
            remembered.put(username, new Remembered(hash, digest));
            return AuthResult.accepted(username);
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    private void reloadIfChanged() {
        try {
            FileTime modified = Files.getLastModifiedTime(passwordFile);
            long size = Files.size(passwordFile);
            if (modified.equals(loadedModified) && size == loadedSize) {
                return;
            }
            users = PasswordFile.read(passwordFile);
            loadedModified = modified;
            loadedSize = size;
            remembered.clear();
            if (unreadable) {
                LOG.warn("the password file {} can be read again; password logins work again", passwordFile);
                unreadable = false;
            }
            LOG.info("broker users loaded from {}: {}", passwordFile, users.users().size());
        } catch (IOException e) {
            // Fail closed: users deleted from a file we cannot read must not keep working from memory. Tried
            // again on every login, logged once until it can be read.
            users = null;
            remembered.clear();
            loadedModified = null;
            loadedSize = -1;
            if (!unreadable) {
                LOG.error("cannot read the password file {} ({}); every password login is refused until it can be "
                        + "read. The service user needs read access: the file is root:outpost 0640 when installed, "
                        + "and 'outpost passwd' keeps its owner and mode", passwordFile, e.getMessage());
                unreadable = true;
            }
        }
    }

    private static byte[] digest(String hash, byte[] password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(hash.getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(password);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static char[] toChars(byte[] utf8) {
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(utf8));
        char[] out = new char[chars.remaining()];
        chars.get(out);
        Arrays.fill(chars.array(), '\0');
        return out;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
