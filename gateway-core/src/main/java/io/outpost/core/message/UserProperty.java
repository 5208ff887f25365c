package io.outpost.core.message;

import java.util.Objects;

/** An MQTT 5 user property; names may repeat, so messages hold a list of these rather than a map. */
public record UserProperty(String name, String value) {

    public UserProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
