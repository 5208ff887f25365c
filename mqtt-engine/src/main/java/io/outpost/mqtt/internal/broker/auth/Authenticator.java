package io.outpost.mqtt.internal.broker.auth;

import io.outpost.mqtt.broker.auth.PasswordFile;
import io.outpost.mqtt.broker.auth.PasswordHasher;
import io.outpost.mqtt.broker.config.ListenerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a CONNECT may go on: anonymous access per listener, passwords from the password file, and the
 * subject of a verified client certificate when the listener uses it as the user name.
 *
 * <p>Password checks are slow by design (PBKDF2), so they run on one dedicated thread with a bounded queue of
 * {@value #QUEUE}: a connect storm beyond it is answered "server busy" rather than queued for minutes. So that one
 * source cannot take the whole queue, each source address may have at most {@code max-pending-logins-per-address}
 * checks waiting; the rest of its logins are answered "server busy" at once. A successful check is remembered as a
 * SHA-256 digest; a client that logs in again with the same password is recognized on a second, fast thread that
 * never waits behind the slow checks of strangers. The password file is checked for changes (modification time and
 * size) before every check; a changed file is re-read, forgets what was remembered and is reported to
 * {@code onUsersLoaded}. Thread-safe; {@link #close()} stops both threads.
 * A file that cannot be read (permissions, a broken line, deleted) refuses every password login as "server
 * unavailable" until it can be read again, so that deleted users do not keep working from memory.
 */
public final class Authenticator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    static final int QUEUE = 256;
    private static final int FAST_QUEUE = 4096;
    private static final int MAX_REMEMBERED = 10_000;
    /** Pending checks of clients whose address is not an IP address (in-process tests, Unix sockets). */
    private static final InetAddress NO_ADDRESS = InetAddress.getLoopbackAddress();

    private final Path passwordFile;
    private final int maxPendingPerAddress;
    private final Consumer<PasswordFile> onUsersLoaded;
    private final ThreadPoolExecutor slow;
    private final ThreadPoolExecutor fast;
    private final Map<InetAddress, Integer> pendingByAddress = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    private volatile PasswordFile users;
    // Guarded by this.
    private FileTime loadedModified;
    private long loadedSize = -1;
    // Confined to the slow thread.
    private String dummyHash;
    /** The file could not be read at the last check: password logins are refused until it can. */
    private volatile boolean unreadable;

    private record Remembered(String hash, byte[] digest) {
    }

    /** A broker without passwords or without a bound per address (tests). */
    public Authenticator(Path passwordFile) {
        this(passwordFile, QUEUE, users -> { });
    }

    /**
     * @param passwordFile         the users' file, or null when the broker has none
     * @param maxPendingPerAddress password checks one source address may have waiting at once
     * @param onUsersLoaded        told each time the file was (re-)read, on an authentication thread
     */
    public Authenticator(Path passwordFile, int maxPendingPerAddress, Consumer<PasswordFile> onUsersLoaded) {
        this.passwordFile = passwordFile;
        this.maxPendingPerAddress = maxPendingPerAddress;
        this.onUsersLoaded = onUsersLoaded;
        this.slow = executor("outpost-broker-auth", QUEUE);
        this.fast = executor("outpost-broker-auth-known", FAST_QUEUE);
    }

    private static ThreadPoolExecutor executor(String name, int queue) {
        return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, name);
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
        CompletableFuture<Void> done = CompletableFuture.runAsync(this::reloadIfChanged, fast);
        try {
            done.get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IOException("cannot read broker.password-file " + passwordFile + ": " + e.getMessage(), e);
        }
        if (users == null) {
            throw new IOException("cannot read broker.password-file " + passwordFile);
        }
    }

    /** Re-reads the password file if it changed (on a configuration reload); returns at once. Any thread. */
    public void recheckFile() {
        if (passwordFile == null) {
            return;
        }
        try {
            fast.execute(this::reloadIfChanged);
        } catch (RejectedExecutionException e) {
            // Closed, or thousands of logins waiting: each of them re-reads a changed file anyway.
            LOG.debug("password file check not queued: {}", e.toString());
        }
    }

    /**
     * Authenticates a CONNECT. Any thread; the stage completes on an authentication thread (or at once when no
     * password has to be checked).
     *
     * @param password            as sent, or null
     * @param certificateIdentity the subject CN of the client's verified certificate, or null
     * @param remote              the client's address, for the bound of waiting checks per address
     */
    public CompletableFuture<AuthResult> authenticate(ListenerConfig listener, String username, byte[] password,
                                                      String certificateIdentity, SocketAddress remote) {
        if (listener.tls() != null && listener.tls().identityAsUsername() && certificateIdentity != null) {
            return CompletableFuture.completedFuture(AuthResult.accepted(certificateIdentity,
                    ClientIdentity.Kind.CERTIFICATE));
        }
        if (username == null) {
            return CompletableFuture.completedFuture(password == null && listener.allowAnonymous()
                    ? AuthResult.accepted(null, ClientIdentity.Kind.ANONYMOUS) : AuthResult.refused(password == null
                    ? AuthResult.Outcome.NOT_AUTHORIZED : AuthResult.Outcome.BAD_CREDENTIALS));
        }
        if (passwordFile == null) {
            // Without a password file a user name is only a label, which only an open listener may accept.
            return CompletableFuture.completedFuture(listener.allowAnonymous()
                    ? AuthResult.accepted(username, ClientIdentity.Kind.LABEL)
                    : AuthResult.refused(AuthResult.Outcome.NOT_AUTHORIZED));
        }
        if (password == null) {
            return CompletableFuture.completedFuture(AuthResult.refused(AuthResult.Outcome.BAD_CREDENTIALS));
        }
        byte[] copy = password.clone();
        CompletableFuture<AuthResult> known;
        try {
            known = CompletableFuture.supplyAsync(() -> recognize(username, copy), fast);
        } catch (RejectedExecutionException e) {
            Arrays.fill(copy, (byte) 0);
            return CompletableFuture.completedFuture(AuthResult.refused(AuthResult.Outcome.BUSY));
        }
        return known.thenCompose(r -> r != null ? CompletableFuture.completedFuture(r) : verify(username, copy, remote));
    }

    /** Password checks waiting or running (a gauge). */
    public int pending() {
        return pending.get();
    }

    /** The fast lane: a login remembered with the same password, or null when it needs the slow check. */
    private AuthResult recognize(String username, byte[] password) {
        reloadIfChanged();
        PasswordFile file = users;
        String hash = file == null ? null : file.hashOf(username);
        Remembered known = remembered.get(username);
        if (hash != null && known != null && known.hash.equals(hash)
                && MessageDigest.isEqual(known.digest, digest(hash, password))) {
            Arrays.fill(password, (byte) 0);
            return AuthResult.accepted(username, ClientIdentity.Kind.PASSWORD);
        }
        return null;
    }

    /** The slow lane, admitted only while the client's address has fewer than the bound of checks waiting. */
    private CompletableFuture<AuthResult> verify(String username, byte[] password, SocketAddress remote) {
        InetAddress address = remote instanceof InetSocketAddress a && a.getAddress() != null ? a.getAddress() : NO_ADDRESS;
        boolean[] admitted = {false};
        pendingByAddress.compute(address, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= maxPendingPerAddress) {
                return n;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (!admitted[0]) {
            Arrays.fill(password, (byte) 0);
            return CompletableFuture.completedFuture(AuthResult.refused(AuthResult.Outcome.BUSY));
        }
        pending.incrementAndGet();
        CompletableFuture<AuthResult> checked;
        try {
            checked = CompletableFuture.supplyAsync(() -> check(username, password), slow);
        } catch (RejectedExecutionException e) {
            done(address);
            Arrays.fill(password, (byte) 0);
            return CompletableFuture.completedFuture(AuthResult.refused(AuthResult.Outcome.BUSY));
        }
        return checked.whenComplete((r, error) -> done(address));
    }

    private void done(InetAddress address) {
        pending.decrementAndGet();
        pendingByAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
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
            PasswordFile file = users;
            String hash = file == null ? null : file.hashOf(username);
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
            remembered.put(username, new Remembered(hash, digest(hash, password)));
            return AuthResult.accepted(username, ClientIdentity.Kind.PASSWORD);
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    private synchronized void reloadIfChanged() {
        PasswordFile read;
        try {
            FileTime modified = Files.getLastModifiedTime(passwordFile);
            long size = Files.size(passwordFile);
            if (modified.equals(loadedModified) && size == loadedSize) {
                return;
            }
            read = PasswordFile.read(passwordFile);
            loadedModified = modified;
            loadedSize = size;
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
            return;
        }
        users = read;
        remembered.clear();
        if (unreadable) {
            LOG.warn("the password file {} can be read again; password logins work again", passwordFile);
            unreadable = false;
        }
        LOG.info("broker users loaded from {}: {}", passwordFile, read.users().size());
        onUsersLoaded.accept(read);
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
        fast.shutdownNow();
        slow.shutdownNow();
    }
}
