package io.outpost.adapter.opcua.browse;

import io.outpost.adapter.opcua.config.OpcUaDeviceSettings;
import io.outpost.adapter.opcua.connection.ClientFactory;
import io.outpost.adapter.opcua.connection.FailureReasons;
import io.outpost.adapter.opcua.node.HierarchicalChildren;
import io.outpost.adapter.opcua.security.OpcUaPki;
import io.outpost.core.spi.DeviceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;

/**
 * Lists a server's address space to help write the config: node id, browse path, node class, data type and access
 * level of every node under a start node, breadth first. Connects with the same settings (security, user, PKI under
 * the gateway's data directory) a device would use. Blocking: for the {@code browse} command, not for the gateway's
 * threads.
 *
 * <pre>
 *   try (OpcUaBrowser browser = OpcUaBrowser.connect(settings, dataDir, "browse", Duration.ofSeconds(10))) {
 *       List&lt;BrowseRow&gt; rows = browser.browse(BrowseOptions.DEFAULT);
 *       String yaml = OpcUaPointListYaml.render(rows);
 *   }
 * </pre>
 */
public final class OpcUaBrowser implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OpcUaBrowser.class);
    /** Attributes read per Read call while describing variables. */
    private static final int READ_CHUNK = 1_000;

    private final OpcUaClient client;
    private final ExecutorService io;
    private final Duration timeout;

    private OpcUaBrowser(OpcUaClient client, ExecutorService io, Duration timeout) {
        this.client = client;
        this.io = io;
        this.timeout = timeout;
    }

    /**
     * Connects; fails with a {@link DeviceException} whose reason says why (for example
     * {@code server certificate not trusted: <data-dir>/opcua/rejected/<file>}: move the file to {@code trusted/}).
     */
    public static OpcUaBrowser connect(OpcUaDeviceSettings settings, Path dataDir, String gatewayId, Duration timeout)
            throws DeviceException, InterruptedException {
        ExecutorService io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "opcua-browse-io");
            t.setDaemon(true);
            return t;
        });
        OpcUaPki pki = new OpcUaPki(OpcUaPki.folderOf(dataDir), gatewayId);
        ClientFactory factory = new ClientFactory(settings, pki, gatewayId, "browse", io);
        try {
            OpcUaClient client = factory.create(io).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            client.connectAsync().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new OpcUaBrowser(client, io, timeout);
        } catch (InterruptedException e) {
            io.shutdownNow();
            throw e;
        } catch (Exception e) {
            io.shutdownNow();
            throw new DeviceException(FailureReasons.of(e), "cannot connect to " + settings.endpoint() + ": "
                    + FailureReasons.describe(e), FailureReasons.unwrap(e));
        }
    }

    public List<BrowseRow> browse(BrowseOptions options) throws DeviceException, InterruptedException {
        NodeId start = NodeId.parseSafe(options.startNode()).orElseThrow(() -> new DeviceException(
                "Bad_NodeIdInvalid", "'" + options.startNode() + "' is not a node id"));
        List<BrowseRow> rows = new ArrayList<>();
        Map<NodeId, BrowseRow> variables = new HashMap<>();
        Set<NodeId> seen = new HashSet<>(Set.of(start));
        Deque<Step> queue = new ArrayDeque<>(List.of(new Step(start, "", 0)));
        while (!queue.isEmpty() && rows.size() < options.maxNodes()) {
            Step step = queue.poll();
            for (ReferenceDescription ref : children(step.node())) {
                NodeId id = ref.getNodeId().toNodeId(client.getNamespaceTable()).orElse(null);
                if (id == null || !seen.add(id) || rows.size() >= options.maxNodes()
                        || (!options.includeServerObject() && id.equals(NodeIds.Server))) {
                    continue;
                }
                String name = ref.getBrowseName() == null || ref.getBrowseName().name() == null ? id.toParseableString()
                        : ref.getBrowseName().name();
                String path = step.path() + "/" + name;
                BrowseRow row = new BrowseRow(id.toParseableString(), path,
                        ref.getBrowseName() == null ? "" : ref.getBrowseName().toParseableString(),
                        ref.getDisplayName() == null || ref.getDisplayName().text() == null ? name
                                : ref.getDisplayName().text(),
                        ref.getNodeClass() == null ? "Unspecified" : ref.getNodeClass().name(), "", "", step.depth() + 1);
                rows.add(row);
                if (ref.getNodeClass() == NodeClass.Variable) {
                    variables.put(id, row);
                }
                if (step.depth() + 1 < options.maxDepth()) {
                    queue.add(new Step(id, path, step.depth() + 1));
                }
            }
        }
        Map<NodeId, BrowseRow> described = describe(variables);
        return rows.stream().map(r -> described.getOrDefault(NodeId.parse(r.nodeId()), r)).toList();
    }

    private record Step(NodeId node, String path, int depth) {
    }

    private List<ReferenceDescription> children(NodeId node) throws DeviceException, InterruptedException {
        try {
            return HierarchicalChildren.of(client, node).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new DeviceException(FailureReasons.of(e), "cannot browse " + node.toParseableString() + ": "
                    + FailureReasons.describe(e), FailureReasons.unwrap(e));
        }
    }

    /** Reads DataType and UserAccessLevel of the variables, then the names of data types that are not built in. */
    private Map<NodeId, BrowseRow> describe(Map<NodeId, BrowseRow> variables)
            throws DeviceException, InterruptedException {
        List<NodeId> ids = new ArrayList<>(variables.keySet());
        List<ReadValueId> reads = new ArrayList<>();
        for (NodeId id : ids) {
            reads.add(new ReadValueId(id, AttributeId.DataType.uid(), null, QualifiedName.NULL_VALUE));
            reads.add(new ReadValueId(id, AttributeId.UserAccessLevel.uid(), null, QualifiedName.NULL_VALUE));
        }
        List<DataValue> values = read(reads);
        Map<NodeId, NodeId> typeOf = new HashMap<>();
        Map<NodeId, String> accessOf = new HashMap<>();
        Set<NodeId> customTypes = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            Object type = values.get(2 * i).value().value();
            Object access = values.get(2 * i + 1).value().value();
            if (type instanceof NodeId t) {
                typeOf.put(ids.get(i), t);
                if (!OpcUaDataType.isBuiltin(t)) {
                    customTypes.add(t);
                }
            }
            accessOf.put(ids.get(i), access instanceof UByte b ? accessName(b) : "");
        }
        Map<NodeId, String> typeNames = new HashMap<>();
        List<NodeId> custom = new ArrayList<>(customTypes);
        List<DataValue> names = read(custom.stream().map(t -> new ReadValueId(t, AttributeId.BrowseName.uid(), null,
                QualifiedName.NULL_VALUE)).toList());
        for (int i = 0; i < custom.size(); i++) {
            Object name = names.get(i).value().value();
            typeNames.put(custom.get(i), name instanceof QualifiedName q ? q.name() : custom.get(i).toParseableString());
        }
        Map<NodeId, BrowseRow> out = new HashMap<>();
        variables.forEach((id, row) -> {
            NodeId t = typeOf.get(id);
            String typeName = t == null ? "" : OpcUaDataType.isBuiltin(t) ? OpcUaDataType.fromNodeId(t).name()
                    : typeNames.getOrDefault(t, t.toParseableString());
            out.put(id, new BrowseRow(row.nodeId(), row.path(), row.browseName(), row.displayName(), row.nodeClass(),
                    typeName, accessOf.get(id), row.depth()));
        });
        return out;
    }

    private List<DataValue> read(List<ReadValueId> ids) throws DeviceException, InterruptedException {
        List<DataValue> out = new ArrayList<>(ids.size());
        for (int from = 0; from < ids.size(); from += READ_CHUNK) {
            List<ReadValueId> chunk = ids.subList(from, Math.min(ids.size(), from + READ_CHUNK));
            try {
                DataValue[] r = client.readAsync(0.0, TimestampsToReturn.Neither, chunk)
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS).getResults();
                for (int i = 0; i < chunk.size(); i++) {
                    out.add(r != null && i < r.length ? r[i] : new DataValue(StatusCodes.Bad_NoData));
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new DeviceException(FailureReasons.of(e), "cannot read node attributes: "
                        + FailureReasons.describe(e), FailureReasons.unwrap(e));
            }
        }
        return out;
    }

    private static String accessName(UByte level) {
        Set<AccessLevel> set = AccessLevel.fromValue(level);
        boolean read = set.contains(AccessLevel.CurrentRead);
        boolean write = set.contains(AccessLevel.CurrentWrite);
        return read && write ? "read/write" : read ? "read" : write ? "write" : "none";
    }

    @Override
    public void close() {
        try {
            client.disconnectAsync().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The session ends with the connection anyway; a failed CloseSession leaves nothing behind here.
            LOG.debug("browse session did not close cleanly: {}",
                    FailureReasons.describe(e));
        } finally {
            io.shutdownNow();
        }
    }
}
