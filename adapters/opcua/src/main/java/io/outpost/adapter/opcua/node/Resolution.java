package io.outpost.adapter.opcua.node;

import java.util.Map;
import java.util.Optional;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * The node ids of a device's points for the current session, and why the others could not be found (a status name
 * such as {@code Bad_NoMatch}). Immutable: a new session brings a new resolution.
 */
public record Resolution(Map<String, NodeId> nodes, Map<String, String> failures) {

    public static final Resolution NONE = new Resolution(Map.of(), Map.of());

    public Resolution {
        nodes = Map.copyOf(nodes);
        failures = Map.copyOf(failures);
    }

    public Optional<NodeId> node(String pointId) {
        return Optional.ofNullable(nodes.get(pointId));
    }

    /** Why the point has no node id; {@code not-resolved} when no session resolved it yet. */
    public String failure(String pointId) {
        return failures.getOrDefault(pointId, "not-resolved");
    }
}
