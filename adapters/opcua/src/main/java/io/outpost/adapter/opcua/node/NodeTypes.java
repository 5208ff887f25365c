package io.outpost.adapter.opcua.node;

import io.outpost.adapter.opcua.data.NodeValueType;
import io.outpost.adapter.opcua.data.StatusNames;
import io.outpost.core.spi.DeviceException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;

/**
 * The built-in type of each written node, learned with one Read (DataType, ValueRank and the current Value) the
 * first time the node is written, then kept. A DataType that is not itself built-in (an enumeration, an abstract
 * Number, a server-specific subtype) is judged by the type of the value the node holds. Thread-safe.
 */
public final class NodeTypes {

    private final Map<NodeId, NodeValueType> known = new ConcurrentHashMap<>();

    public CompletableFuture<NodeValueType> typeOf(OpcUaClient client, NodeId node) {
        NodeValueType cached = known.get(node);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        List<ReadValueId> ids = List.of(
                new ReadValueId(node, AttributeId.DataType.uid(), null, QualifiedName.NULL_VALUE),
                new ReadValueId(node, AttributeId.ValueRank.uid(), null, QualifiedName.NULL_VALUE),
                new ReadValueId(node, AttributeId.Value.uid(), null, QualifiedName.NULL_VALUE));
        return client.readAsync(0.0, TimestampsToReturn.Neither, ids).thenApply(response -> {
            DataValue[] r = response.getResults();
            if (r == null || r.length < 3) {
                throw new CompletionException(new DeviceException("Bad_UnexpectedError", "the server answered the "
                        + "read of " + node.toParseableString() + "'s type with " + (r == null ? 0 : r.length) + " results"));
            }
            if (r[0].statusCode() != null && r[0].statusCode().isBad()) {
                throw new CompletionException(new DeviceException(StatusNames.of(r[0].statusCode()),
                        "cannot read the data type of " + node.toParseableString()));
            }
            NodeValueType type = fromAttributes(node, r[0], r[1], r[2]);
            known.put(node, type);
            return type;
        });
    }

    /** Forgets every node: a new session may talk to a restarted server whose types changed. */
    public void clear() {
        known.clear();
    }

    private static NodeValueType fromAttributes(NodeId node, DataValue dataType, DataValue valueRank, DataValue value) {
        Object rank = valueRank.value() == null ? null : valueRank.value().value();
        Object current = value.value() == null ? null : value.value().value();
        // ValueRank -1 is a scalar, 0 and above an array; -2 (any) and -3 (scalar or array) go by the current value.
        boolean array = rank instanceof Integer r && r != -1 && r < 0
                ? current != null && current.getClass().isArray()
                : rank instanceof Integer r2 && r2 >= 0;
        Object typeId = dataType.value() == null ? null : dataType.value().value();
        if (typeId instanceof NodeId id && OpcUaDataType.isBuiltin(id)) {
            OpcUaDataType builtin = OpcUaDataType.fromNodeId(id);
            if (builtin != OpcUaDataType.Variant && builtin != OpcUaDataType.ExtensionObject) {
                return new NodeValueType(builtin, array);
            }
        }
        if (current == null) {
            throw new CompletionException(new DeviceException("unsupported-type", "the data type of "
                    + node.toParseableString() + " is " + typeId + " and it holds no value to learn the type from"));
        }
        boolean currentArray = current.getClass().isArray();
        Class<?> element = currentArray ? current.getClass().getComponentType() : current.getClass();
        if (!OpcUaDataType.isBuiltin(element)) {
            throw new CompletionException(new DeviceException("unsupported-type", "values of "
                    + node.toParseableString() + " are " + element.getSimpleName() + ", which cannot be written"));
        }
        return new NodeValueType(OpcUaDataType.fromBackingClass(element), currentArray);
    }
}
