package io.outpost.mqtt.broker.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted, deliberately slow password hashes: PBKDF2-HMAC-SHA512 with a 16-byte random salt and a 64-byte key,
 * written as {@code $pbkdf2-sha512$<iterations>$<salt base64>$<hash base64>} (standard Base64 without padding).
 *
 * <p>The default work factor follows OWASP's 2023 advice for PBKDF2-HMAC-SHA512 (210,000 iterations): one
 * verification takes a noticeable fraction of a second of CPU, which is why the broker verifies on its own
 * authentication thread and never on a network thread. Stateless and thread-safe.
 */
public final class PasswordHasher {

    public static final int DEFAULT_ITERATIONS = 210_000;
    static final String SCHEME = "pbkdf2-sha512";
    private static final int SALT_BYTES = 16;
    private static final int KEY_BITS = 512;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int iterations;
    private final SecureRandom random;

    public PasswordHasher() {
        this(DEFAULT_ITERATIONS, new SecureRandom());
    }

    /** A hasher with another work factor (tests use a small one; files may hold hashes of any factor). */
    public PasswordHasher(int iterations, SecureRandom random) {
        if (iterations < 1_000) {
            throw new IllegalArgumentException("iterations must be at least 1000, found " + iterations);
        }
        this.iterations = iterations;
        this.random = random;
    }

    /** Hashes a password with a fresh salt. */
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] key = derive(password, salt, iterations);
        return "$" + SCHEME + "$" + iterations + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(key);
    }

    /** True when {@code password} matches {@code encoded}; false for a wrong password or an unreadable hash. */
    public static boolean verify(String encoded, char[] password) {
        Optional<Parsed> parsed = parse(encoded);
        if (parsed.isEmpty()) {
            return false;
        }
        Parsed p = parsed.get();
        byte[] actual = derive(password, p.salt, p.iterations);
        return MessageDigest.isEqual(actual, p.hash);
    }

    /** Why {@code encoded} is not a hash this class can verify, or null when it is. */
    public static String problem(String encoded) {
        return parse(encoded).isPresent() ? null
                : "expected $" + SCHEME + "$<iterations>$<salt>$<hash>, as written by the passwd command";
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {
    }

    private static Optional<Parsed> parse(String encoded) {
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 5 || !parts[0].isEmpty() || !parts[1].equals(SCHEME)) {
            return Optional.empty();
        }
        try {
            int iterations = Integer.parseInt(parts[2]);
            byte[] salt = B64D.decode(parts[3]);
            byte[] hash = B64D.decode(parts[4]);
            if (iterations < 1 || salt.length < 8 || hash.length != KEY_BITS / 8) {
                return Optional.empty();
            }
            return Optional.of(new Parsed(iterations, salt, hash));
        } catch (IllegalArgumentException e) {
            // Not a number or not Base64: the caller reports the entry as unreadable.
            return Optional.empty();
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA512 is part of every Java 17 runtime", e);
        } finally {
            spec.clearPassword();
        }
    }
}
