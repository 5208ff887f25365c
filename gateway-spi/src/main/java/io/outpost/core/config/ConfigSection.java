package io.outpost.core.config;

/**
 * A top-level section of the configuration owned by a module other than the core (the MQTT engine's
 * {@code broker:} and {@code upstreams:}, the application's {@code http:}). Found with {@link java.util.ServiceLoader}.
 * Stateless; called once per load on the loading thread.
 *
 * @param <T> the immutable record the section becomes
 */
public interface ConfigSection<T> {

    /** The top-level key, e.g. {@code broker}. */
    String key();

    /**
     * Reads the section. Called even when the key is absent ({@link ConfigNode#isMissing()}), so that defaults
     * apply; reports mistakes through the node and returns the best record it can (never null). The loader calls
     * {@link ConfigNode#rejectUnknownKeys()} on the section node itself; nested nodes are the section's to check.
     */
    T parse(ConfigNode node, GatewayIdentity gateway);

    /**
     * True when the section is a YAML list (such as {@code upstreams:}) rather than a mapping: {@link #parse} then
     * gets the node under the key whatever its kind (read its items with {@link ConfigNode#items()}), and checks the
     * keys of its items itself.
     */
    default boolean isList() {
        return false;
    }
}
