package io.outpost.adapter.opcua.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.milo.opcua.stack.core.UaRuntimeException;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;

/**
 * Where a point lives in the server's address space: a node id in any standard notation ({@code ns=2;s=Boiler},
 * {@code ns=3;i=1001}, {@code ns=1;g=<guid>}, {@code ns=1;b=<base64>}, {@code nsu=<uri>;s=...}, {@code i=2258}), or a
 * browse path from the Objects folder ({@code /Objects/2:Boiler/2:Temperature}). Both are checked when the config is
 * loaded and resolved to a node id after each session is (re)established, because namespace indexes and browse
 * paths may change when the server restarts.
 */
public sealed interface NodeAddress {

    /** As written in the config, for logs and errors. */
    String text();

    record Id(ExpandedNodeId nodeId, String text) implements NodeAddress {
        public Id {
            Objects.requireNonNull(nodeId, "nodeId");
        }
    }

    /**
     * A browse path: browse names from the Objects folder. A segment without a namespace prefix ({@code Boiler})
     * matches the browse name in any namespace; {@code 2:Boiler} only in namespace 2.
     */
    record BrowsePath(List<Segment> segments, String text) implements NodeAddress {
        public BrowsePath {
            segments = List.copyOf(segments);
        }
    }

    /** One step of a browse path; {@code namespaceIndex} is -1 when the step did not name one. */
    record Segment(int namespaceIndex, String name) {
        public QualifiedName qualifiedName(int defaultNamespace) {
            return new QualifiedName(namespaceIndex >= 0 ? namespaceIndex : defaultNamespace, name);
        }
    }

    /** Parses a node id; empty with {@code problem[0]} set when it is not valid. */
    static Optional<NodeAddress> parseNodeId(String text, String[] problem) {
        String t = text.trim();
        try {
            ExpandedNodeId id = ExpandedNodeId.parse(t);
            if (!id.isLocal()) {
                problem[0] = "node ids on other servers (svr=...) are not supported, found '" + text + "'";
                return Optional.empty();
            }
            return Optional.of(new Id(id, t));
        } catch (UaRuntimeException | IllegalArgumentException | IndexOutOfBoundsException e) {
            problem[0] = "'" + text + "' is not a node id; write ns=2;s=Name, ns=2;i=1001, ns=2;g=<guid>, "
                    + "ns=2;b=<base64>, nsu=<namespace uri>;s=Name, or use browse-path: /Objects/Folder/Name";
            return Optional.empty();
        }
    }

    /** Parses a browse path such as {@code /Objects/2:Boiler/Temperature}; the leading {@code /Objects} is optional. */
    static Optional<NodeAddress> parseBrowsePath(String text, String[] problem) {
        String t = text.trim();
        if (!t.startsWith("/")) {
            problem[0] = "a browse path starts with '/', e.g. /Objects/Boiler/Temperature, found '" + text + "'";
            return Optional.empty();
        }
        String[] parts = t.substring(1).split("/", -1);
        java.util.ArrayList<Segment> segments = new java.util.ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                problem[0] = "a browse path has no empty steps ('//' or a trailing '/'), found '" + text + "'";
                return Optional.empty();
            }
            if (i == 0 && (part.equals("Objects") || part.equals("0:Objects"))) {
                continue;
            }
            int colon = part.indexOf(':');
            int ns = -1;
            String name = part;
            if (colon > 0 && part.substring(0, colon).chars().allMatch(Character::isDigit)) {
                ns = Integer.parseInt(part.substring(0, colon));
                name = part.substring(colon + 1);
            }
            segments.add(new Segment(ns, name));
        }
        if (segments.isEmpty()) {
            problem[0] = "a browse path names at least one node under /Objects, found '" + text + "'";
            return Optional.empty();
        }
        return Optional.of(new BrowsePath(segments, t));
    }
}
