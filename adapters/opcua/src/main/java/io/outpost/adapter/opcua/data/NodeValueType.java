package io.outpost.adapter.opcua.data;

import java.util.Objects;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;

/** The built-in type a node's Value attribute takes, and whether it is an array; learned once per node for writes. */
public record NodeValueType(OpcUaDataType type, boolean array) {

    public NodeValueType {
        Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
        return array ? type.name() + "[]" : type.name();
    }
}
