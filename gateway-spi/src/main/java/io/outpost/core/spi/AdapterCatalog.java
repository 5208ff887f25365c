package io.outpost.core.spi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The adapters available to this process, by protocol name. */
public final class AdapterCatalog {

    private final Map<String, AdapterFactory<?, ?>> byProtocol = new TreeMap<>();

    public AdapterCatalog(Collection<? extends AdapterFactory<?, ?>> factories) {
        for (AdapterFactory<?, ?> f : factories) {
            AdapterFactory<?, ?> previous = byProtocol.putIfAbsent(f.protocol(), f);
            if (previous != null) {
                throw new IllegalStateException("two adapters claim protocol '" + f.protocol() + "': "
                        + previous.getClass().getName() + " and " + f.getClass().getName());
            }
        }
    }

    /** Every adapter on the class path. */
    @SuppressWarnings("rawtypes")
    public static AdapterCatalog fromServiceLoader() {
        List<AdapterFactory<?, ?>> found = new ArrayList<>();
        for (AdapterFactory f : ServiceLoader.load(AdapterFactory.class)) {
            found.add(f);
        }
        return new AdapterCatalog(found);
    }

    public Optional<AdapterFactory<?, ?>> find(String protocol) {
        return Optional.ofNullable(byProtocol.get(protocol));
    }

    public List<String> protocols() {
        return List.copyOf(byProtocol.keySet());
    }
}
