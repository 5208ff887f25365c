package io.outpost.core.message;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/** The payload formats available to this process, by name. */
public final class PayloadFormats {

    private final Map<String, PayloadFormat> byName = new LinkedHashMap<>();

    public PayloadFormats(Collection<? extends PayloadFormat> formats) {
        for (PayloadFormat f : formats) {
            if (byName.putIfAbsent(f.name(), f) != null) {
                throw new IllegalStateException("two payload formats are named '" + f.name() + "'");
            }
        }
    }

    /** JSON plus every format on the class path. */
    public static PayloadFormats standard() {
        List<PayloadFormat> all = new ArrayList<>();
        all.add(new JsonPayloadFormat());
        ServiceLoader.load(PayloadFormat.class).forEach(all::add);
        return new PayloadFormats(all);
    }

    public Optional<PayloadFormat> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public PayloadFormat get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("no payload format named " + name));
    }

    public Set<String> names() {
        return byName.keySet();
    }
}
