package io.outpost.core.poll;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resources shared by several devices, counted by who uses them: created by the first user, closed when the
 * last one releases it. Thread-safe.
 */
public final class SharedResources {

    private static final Logger LOG = LoggerFactory.getLogger(SharedResources.class);

    private static final class Entry {
        final AutoCloseable resource;
        int users;

        Entry(AutoCloseable resource) {
            this.resource = resource;
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();

    public synchronized <T extends AutoCloseable> T acquire(String key, Class<T> type, Supplier<T> create) {
        Entry e = entries.get(key);
        if (e == null) {
            e = new Entry(create.get());
            entries.put(key, e);
        }
        if (!type.isInstance(e.resource)) {
            throw new IllegalStateException("shared resource " + key + " is a " + e.resource.getClass().getName()
                    + ", not a " + type.getName());
        }
        e.users++;
        return type.cast(e.resource);
    }

    public void release(String key) {
        AutoCloseable toClose = null;
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null && --e.users == 0) {
                entries.remove(key);
                toClose = e.resource;
            }
        }
        if (toClose != null) {
            try {
                toClose.close();
            } catch (Exception ex) {
                LOG.warn("shared resource {} did not close cleanly", key, ex);
            }
        }
    }

    public synchronized int users(String key) {
        Entry e = entries.get(key);
        return e == null ? 0 : e.users;
    }
}
