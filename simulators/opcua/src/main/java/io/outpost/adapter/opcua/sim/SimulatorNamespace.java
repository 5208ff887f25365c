package io.outpost.adapter.opcua.sim;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilter;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilterContext;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/**
 * The simulator's address space under {@code Objects}: {@code Boiler} (values that move by themselves), {@code Test}
 * (one writable node per built-in type, arrays, a read-only node, nodes with numeric, GUID and opaque ids, changed
 * only through the simulator's API) and {@code Bench} (many Double nodes for the throughput benchmark). Node ids are
 * strings {@code Folder/Name} in the simulator's namespace. Sampling follows Milo's {@link SubscriptionModel}.
 */
final class SimulatorNamespace extends ManagedNamespaceWithLifecycle {

    static final String URI = "urn:outpost:simulator";
    static final UUID GUID_NODE = UUID.fromString("5b3b5c2e-8f1a-4c7e-9d7e-2f1c3a4b5d6e");
    static final byte[] OPAQUE_NODE = {0x0A, 0x0B, 0x0C};
    static final long NUMERIC_NODE = 1001;

    private final SubscriptionModel subscriptions;
    private final Map<String, UaVariableNode> byName = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> valueReads = new ConcurrentHashMap<>();
    private final int benchNodes;

    SimulatorNamespace(OpcUaServer server, int benchNodes) {
        super(server, URI);
        this.benchNodes = benchNodes;
        this.subscriptions = new SubscriptionModel(server, this);
        getLifecycleManager().addLifecycle(subscriptions);
        getLifecycleManager().addStartupTask(this::build);
    }

    private void build() {
        UaFolderNode boiler = folder("Boiler");
        variable(boiler, "Boiler/Temperature", OpcUaDataType.Double, 60.0, false);
        variable(boiler, "Boiler/Pressure", OpcUaDataType.Float, 2.5f, false);
        variable(boiler, "Boiler/Running", OpcUaDataType.Boolean, true, false);
        variable(boiler, "Boiler/Setpoint", OpcUaDataType.Double, 65.0, true);
        variable(boiler, "Boiler/Trend", OpcUaDataType.Double, new Double[] {60.0, 60.0, 60.0, 60.0, 60.0}, false);
        variable(boiler, "Boiler/State", OpcUaDataType.String, "heating", false);
        variable(boiler, "Boiler/Counter", OpcUaDataType.UInt32, UInteger.valueOf(0), false);

        UaFolderNode test = folder("Test");
        variable(test, "Test/Double", OpcUaDataType.Double, 0.0, true);
        variable(test, "Test/Float", OpcUaDataType.Float, 0.0f, true);
        variable(test, "Test/Boolean", OpcUaDataType.Boolean, false, true);
        variable(test, "Test/SByte", OpcUaDataType.SByte, (byte) 0, true);
        variable(test, "Test/Byte", OpcUaDataType.Byte, UByte.valueOf(0), true);
        variable(test, "Test/Int16", OpcUaDataType.Int16, (short) 0, true);
        variable(test, "Test/UInt16", OpcUaDataType.UInt16, UShort.valueOf(0), true);
        variable(test, "Test/Int32", OpcUaDataType.Int32, 0, true);
        variable(test, "Test/UInt32", OpcUaDataType.UInt32, UInteger.valueOf(0), true);
        variable(test, "Test/Int64", OpcUaDataType.Int64, 0L, true);
        variable(test, "Test/UInt64", OpcUaDataType.UInt64, ULong.valueOf(0), true);
        variable(test, "Test/String", OpcUaDataType.String, "", true);
        variable(test, "Test/DateTime", OpcUaDataType.DateTime, new DateTime(Instant.parse("2026-01-01T00:00:00Z")), true);
        variable(test, "Test/LocalizedText", OpcUaDataType.LocalizedText, LocalizedText.english("hello"), true);
        variable(test, "Test/ByteString", OpcUaDataType.ByteString, ByteString.of(new byte[] {1, 2, 3}), true);
        variable(test, "Test/Guid", OpcUaDataType.Guid, GUID_NODE, true);
        variable(test, "Test/Int32Array", OpcUaDataType.Int32, new Integer[] {1, 2, 3}, true);
        variable(test, "Test/DoubleArray", OpcUaDataType.Double, new Double[] {1.5, 2.5}, true);
        variable(test, "Test/StringArray", OpcUaDataType.String, new String[] {"a", "b"}, true);
        variable(test, "Test/ReadOnly", OpcUaDataType.Double, 1.0, false);
        variable(test, "Test/Status", OpcUaDataType.Double, 1.0, true);
        variable(test, "Test/Deadband", OpcUaDataType.Double, 10.0, true);
        add(test, "Test/Numeric", newNodeId(UInteger.valueOf(NUMERIC_NODE)), "Numeric", OpcUaDataType.Int32, 1001, true);
        add(test, "Test/GuidId", newNodeId(GUID_NODE), "GuidId", OpcUaDataType.Int32, 1002, true);
        add(test, "Test/OpaqueId", newNodeId(ByteString.of(OPAQUE_NODE)), "OpaqueId", OpcUaDataType.Int32, 1003, true);

        if (benchNodes > 0) {
            UaFolderNode bench = folder("Bench");
            for (int i = 0; i < benchNodes; i++) {
                variable(bench, benchName(i), OpcUaDataType.Double, 0.0, false);
            }
        }
    }

    static String benchName(int i) {
        return String.format("Bench/%05d", i);
    }

    private UaFolderNode folder(String name) {
        UaFolderNode folder = new UaFolderNode(getNodeContext(), newNodeId(name), newQualifiedName(name),
                LocalizedText.english(name));
        getNodeManager().addNode(folder);
        folder.addReference(new Reference(folder.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(),
                false));
        return folder;
    }

    private void variable(UaFolderNode folder, String name, OpcUaDataType type, Object initial, boolean writable) {
        add(folder, name, newNodeId(name), name.substring(name.indexOf('/') + 1), type, initial, writable);
    }

    private void add(UaFolderNode folder, String name, NodeId id, String browseName, OpcUaDataType type,
                     Object initial, boolean writable) {
        boolean array = initial.getClass().isArray();
        UaVariableNode node = UaVariableNode.builder(getNodeContext())
                .setNodeId(id)
                .setBrowseName(newQualifiedName(browseName))
                .setDisplayName(LocalizedText.english(browseName))
                .setDataType(type.getNodeId())
                .setValueRank(array ? 1 : -1)
                .setArrayDimensions(array ? new UInteger[] {UInteger.valueOf(0)} : null)
                .setTypeDefinition(NodeIds.BaseDataVariableType)
                .setAccessLevel(writable ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY)
                .setUserAccessLevel(writable ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY)
                .setMinimumSamplingInterval(0.0)
                .build();
        node.setValue(new DataValue(new Variant(initial), StatusCode.GOOD, DateTime.now()));
        AtomicLong reads = new AtomicLong();
        node.getFilterChain().addLast(new CountingReads(reads));
        getNodeManager().addNode(node);
        folder.addOrganizes(node);
        byName.put(name, node);
        valueReads.put(name, reads);
    }

    UaVariableNode node(String name) {
        UaVariableNode node = byName.get(name);
        if (node == null) {
            throw new IllegalArgumentException("the simulator has no node " + name + "; it has " + byName.keySet());
        }
        return node;
    }

    long valueReads(String name) {
        node(name);
        return valueReads.get(name).get();
    }

    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** Monitored items on this namespace's nodes, over every session. */
    int monitoredItems() {
        return subscriptions.getDataItems().size();
    }

    @Override
    public void onDataItemsCreated(List<DataItem> dataItems) {
        subscriptions.onDataItemsCreated(dataItems);
    }

    @Override
    public void onDataItemsModified(List<DataItem> dataItems) {
        subscriptions.onDataItemsModified(dataItems);
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> dataItems) {
        subscriptions.onDataItemsDeleted(dataItems);
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
        subscriptions.onMonitoringModeChanged(monitoredItems);
    }

    /** Counts reads of the Value attribute: a sample taken by a subscription or a client's Read. */
    private static final class CountingReads implements AttributeFilter {
        private final AtomicLong reads;

        CountingReads(AtomicLong reads) {
            this.reads = reads;
        }

        @Override
        public Object getAttribute(AttributeFilterContext ctx, AttributeId attributeId) {
            if (attributeId == AttributeId.Value) {
                reads.incrementAndGet();
            }
            return ctx.getAttribute(attributeId);
        }
    }
}
