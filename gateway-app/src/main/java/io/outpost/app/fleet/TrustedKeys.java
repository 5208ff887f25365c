package io.outpost.app.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trusted keys folder: {@code <key-id>.pub} files (PEM Ed25519 public keys). Read at each check, so a key
 * added or removed by hand counts from the next push on. Thread-safe (stateless).
 */
public final class TrustedKeys {

    private static final Logger LOG = LoggerFactory.getLogger(TrustedKeys.class);

    private final Path dir;

    public TrustedKeys(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /**
     * Checks a signature by the key named {@code keyId}.
     *
     * @throws SignedEnvelope.EnvelopeException {@code unsigned} (no signature), {@code untrusted-key} (no such key
     *                                          in the folder) or {@code bad-signature}
     */
    public void verify(String keyId, byte[] signed, byte[] signature) throws SignedEnvelope.EnvelopeException {
        if (signature.length == 0 || keyId.isEmpty()) {
            throw new SignedEnvelope.EnvelopeException("unsigned", "not signed; only signed messages are accepted");
        }
        if (!keyId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new SignedEnvelope.EnvelopeException("untrusted-key", "key id is not a plain name");
        }
        Path file = dir.resolve(keyId + ".pub");
        if (!Files.isRegularFile(file)) {
            throw new SignedEnvelope.EnvelopeException("untrusted-key", "key " + keyId + " is not in the trusted keys ("
                    + count() + " key(s) in " + dir + ")");
        }
        PublicKey key;
        try {
            key = Ed25519Keys.readPublic(file);
        } catch (IOException | GeneralSecurityException e) {
            LOG.error("trusted key {} cannot be read: {}", file, e.toString());
            throw new SignedEnvelope.EnvelopeException("untrusted-key", "key " + keyId + " cannot be read on the gateway");
        }
        if (!Ed25519Keys.verify(key, signed, signature)) {
            throw new SignedEnvelope.EnvelopeException("bad-signature", "the signature does not verify with key " + keyId);
        }
    }

    private long count() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".pub")).count();
        } catch (IOException e) {
            return 0;
        }
    }
}
