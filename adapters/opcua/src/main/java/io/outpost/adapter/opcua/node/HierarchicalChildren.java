package io.outpost.adapter.opcua.node;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.milo.opcua.sdk.client.BrowseHelper;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/** The children of a node: its forward hierarchical references (Organizes, HasComponent, HasProperty, ...). */
public final class HierarchicalChildren {

    /** References per Browse answer; the rest comes through continuation points. */
    private static final int PAGE = 1_000;

    private HierarchicalChildren() {
    }

    public static CompletableFuture<List<ReferenceDescription>> of(OpcUaClient client, NodeId node) {
        BrowseDescription description = new BrowseDescription(node, BrowseDirection.Forward,
                NodeIds.HierarchicalReferences, true, uint(0), uint(BrowseResultMask.All.getValue()));
        return BrowseHelper.browse(client, description, uint(PAGE));
    }
}
