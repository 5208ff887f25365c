package io.outpost.adapter.opcua.node;

import io.outpost.adapter.opcua.config.NodeAddress;
import io.outpost.adapter.opcua.config.OpcUaPointSettings;
import io.outpost.adapter.opcua.connection.FailureReasons;
import io.outpost.core.config.PointConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the points' node addresses into node ids for one session: namespace URIs ({@code nsu=}) through the
 * server's namespace table, browse paths by browsing from the Objects folder one step at a time (each folder once
 * per resolution, however many points go through it). Runs on the device's IO thread and blocks on the server.
 */
public final class NodeResolver {

    private static final Logger LOG = LoggerFactory.getLogger(NodeResolver.class);
    private static final long STEP_TIMEOUT_SECONDS = 30;

    private final String device;

    public NodeResolver(String device) {
        this.device = device;
    }

    public Resolution resolve(OpcUaClient client, List<PointConfig> points) throws InterruptedException {
        Map<String, NodeId> nodes = new HashMap<>();
        Map<String, String> failures = new HashMap<>();
        Map<NodeId, List<ReferenceDescription>> browsed = new HashMap<>();
        for (PointConfig p : points) {
            NodeAddress address = p.settings(OpcUaPointSettings.class).node();
            try {
                if (address instanceof NodeAddress.Id id) {
                    Optional<NodeId> local = id.nodeId().toNodeId(client.getNamespaceTable());
                    if (local.isPresent()) {
                        nodes.put(p.id(), local.get());
                    } else {
                        failure(p, address, "Bad_NodeIdUnknown", "the server has no namespace "
                                + id.nodeId().getNamespaceUri(), failures);
                    }
                } else if (address instanceof NodeAddress.BrowsePath path) {
                    follow(client, path, browsed).ifPresentOrElse(n -> nodes.put(p.id(), n),
                            () -> failure(p, address, "Bad_NoMatch", "no node at that browse path", failures));
                }
            } catch (ExecutionException | TimeoutException e) {
                failure(p, address, FailureReasons.of(e), FailureReasons.describe(e), failures);
            }
        }
        return new Resolution(nodes, failures);
    }

    private void failure(PointConfig p, NodeAddress address, String reason, String why, Map<String, String> into) {
        into.put(p.id(), reason);
        LOG.warn("device {}: point {} ({}) cannot be found: {} ({})", device, p.id(), address.text(), why, reason);
    }

    private static Optional<NodeId> follow(OpcUaClient client, NodeAddress.BrowsePath path,
                                           Map<NodeId, List<ReferenceDescription>> browsed)
            throws InterruptedException, ExecutionException, TimeoutException {
        NodeId current = NodeIds.ObjectsFolder;
        for (NodeAddress.Segment step : path.segments()) {
            List<ReferenceDescription> children = browsed.get(current);
            if (children == null) {
                children = HierarchicalChildren.of(client, current).get(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                browsed.put(current, children);
            }
            Optional<NodeId> next = children.stream()
                    .filter(r -> r.getBrowseName() != null && step.name().equals(r.getBrowseName().name()))
                    .filter(r -> step.namespaceIndex() < 0
                            || r.getBrowseName().namespaceIndex().intValue() == step.namespaceIndex())
                    .map(r -> r.getNodeId().toNodeId(client.getNamespaceTable()))
                    .flatMap(Optional::stream)
                    .findFirst();
            if (next.isEmpty()) {
                return Optional.empty();
            }
            current = next.get();
        }
        return Optional.of(current);
    }
}
