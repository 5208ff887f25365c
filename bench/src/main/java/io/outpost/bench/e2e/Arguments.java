package io.outpost.bench.e2e;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options of the benchmark programs; anything else is refused. */
public final class Arguments {

    private final Map<String, String> values = new HashMap<>();

    public Arguments(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options are --name value pairs; found '" + args[i] + "'");
            }
            values.put(args[i].substring(2), args[++i]);
        }
    }

    public String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public int integer(String name, int fallback) {
        String v = values.get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, found '" + v + "'", e);
        }
    }
}
