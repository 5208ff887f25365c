package io.outpost.app.log;

import io.outpost.core.config.Secret;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Masks the secrets of a configuration (every {@link Secret} in its records: upstream and OPC UA passwords, key
 * passwords, the ops password...) in text that leaves the gateway, such as log lines sent to the cloud. {@link Secret}
 * never prints itself, but a library may still put a password into a message (a URI with credentials, a protocol
 * error echoing a field); whatever the path, the value does not leave. Immutable.
 */
public final class SecretMask {

    public static final String MASK = "******";
    /** Shorter values would mask ordinary words; a password that short is no secret anyway. */
    static final int MIN_LENGTH = 4;
    private static final int MAX_DEPTH = 12;

    private final List<String> secrets;

    private SecretMask(List<String> secrets) {
        this.secrets = secrets;
    }

    /** The secrets found in {@code root} (a configuration record and whatever it holds). */
    public static SecretMask of(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, found, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
        found.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretMask(List.copyOf(found));
    }

    public String apply(String text) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, MASK);
        }
        return out;
    }

    private static void walk(Object o, List<String> found, Set<Object> seen, int depth) {
        if (o == null || depth > MAX_DEPTH || o instanceof String || o instanceof Number || o instanceof Enum<?>
                || o instanceof Boolean || !seen.add(o)) {
            return;
        }
        if (o instanceof Secret s) {
            if (s.reveal().length() >= MIN_LENGTH && !found.contains(s.reveal())) {
                found.add(s.reveal());
            }
        } else if (o instanceof Collection<?> c) {
            c.forEach(x -> walk(x, found, seen, depth + 1));
        } else if (o instanceof Map<?, ?> m) {
            m.values().forEach(x -> walk(x, found, seen, depth + 1));
        } else if (o instanceof Optional<?> opt) {
            opt.ifPresent(x -> walk(x, found, seen, depth + 1));
        } else if (o.getClass().isRecord()) {
            for (RecordComponent rc : o.getClass().getRecordComponents()) {
                try {
                    rc.getAccessor().setAccessible(true);
                    walk(rc.getAccessor().invoke(o), found, seen, depth + 1);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // A component that cannot be read (a module boundary) holds no Secret we could reach either.
                }
            }
        }
    }
}
