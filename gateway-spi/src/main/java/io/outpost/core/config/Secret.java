package io.outpost.core.config;

import java.util.Objects;

/**
 * A password, key or token from the configuration. It never prints itself, so that logging a config record or an
 * exception message cannot leak it; only the code that really sends it calls {@link #reveal()}.
 */
public final class Secret {

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "******";
    }
}
