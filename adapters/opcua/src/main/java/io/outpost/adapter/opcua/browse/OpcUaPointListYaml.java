package io.outpost.adapter.opcua.browse;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A ready {@code points:} list for the config from browsed variables: one point per variable, its id made from the
 * browse path ({@code /Boiler/Temperature} becomes {@code boiler-temperature}, made unique), {@code writable: true}
 * where the user may write, and the data type and access as a comment. Stateless.
 */
public final class OpcUaPointListYaml {

    private OpcUaPointListYaml() {
    }

    /** The YAML text, indented to sit under a device: {@code points:} at column 4. */
    public static String render(List<BrowseRow> rows) {
        StringBuilder out = new StringBuilder("    points:\n");
        Set<String> used = new HashSet<>();
        for (BrowseRow row : rows) {
            if (!row.isVariable()) {
                continue;
            }
            String id = unique(idOf(row.path()), used);
            out.append("      - id: ").append(id).append('\n');
            out.append("        node: \"").append(row.nodeId().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\"   # ").append(row.dataType().isEmpty() ? "?" : row.dataType()).append(", ")
                    .append(row.access()).append('\n');
            if (row.writable()) {
                out.append("        writable: true\n");
            }
        }
        return out.toString();
    }

    static String idOf(String path) {
        String id = path.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.]+", "-").replaceAll("^[-_.]+|-+$", "");
        if (id.isEmpty()) {
            id = "point";
        }
        return id.length() > 120 ? id.substring(id.length() - 120).replaceAll("^[-_.]+", "") : id;
    }

    private static String unique(String id, Set<String> used) {
        String candidate = id;
        for (int n = 2; !used.add(candidate); n++) {
            candidate = id + "-" + n;
        }
        return candidate;
    }
}
