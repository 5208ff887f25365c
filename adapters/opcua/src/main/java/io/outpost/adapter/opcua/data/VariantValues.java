package io.outpost.adapter.opcua.data;

import io.outpost.core.point.Value;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.eclipse.milo.opcua.stack.core.OpcUaDataType;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.XmlElement;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UByte;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/**
 * OPC UA built-in values to the point model: integers of every width to {@link Value.Int} (UInt64 to
 * {@link Value.UInt64}), Float and Double to {@link Value.Real}, Boolean, String and the text-like types
 * (LocalizedText's text, QualifiedName, NodeId, Guid, DateTime as ISO-8601, ByteString as base64, StatusCode as
 * its name) to {@link Value.Text}, one-dimensional arrays to {@link Value.Array}. Structures and matrices are
 * refused. Stateless.
 */
public final class VariantValues {

    private VariantValues() {
    }

    public static Value toValue(Object value) throws UnsupportedValueException {
        if (value != null && value.getClass().isArray()) {
            int n = Array.getLength(value);
            List<Value> items = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Object item = Array.get(value, i);
                if (item != null && item.getClass().isArray()) {
                    throw new UnsupportedValueException("unsupported-type:Matrix", "nested arrays are not supported");
                }
                items.add(item == null ? Value.of("") : scalar(item));
            }
            return new Value.Array(items);
        }
        return scalar(value);
    }

    private static Value scalar(Object v) throws UnsupportedValueException {
        if (v instanceof Boolean b) {
            return Value.of(b);
        }
        if (v instanceof Double d) {
            return Value.of(d);
        }
        if (v instanceof Float f) {
            return Value.ofFloat32(f);
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof Long) {
            return Value.of(((Number) v).longValue());
        }
        if (v instanceof UByte || v instanceof UShort || v instanceof UInteger) {
            return Value.of(((Number) v).longValue());
        }
        if (v instanceof ULong u) {
            return new Value.UInt64(u.longValue());
        }
        if (v instanceof String s) {
            return Value.of(s);
        }
        if (v instanceof LocalizedText t) {
            return Value.of(t.text() == null ? "" : t.text());
        }
        if (v instanceof DateTime t) {
            return Value.of(t.getJavaInstant().toString());
        }
        if (v instanceof QualifiedName q) {
            return Value.of(q.toParseableString());
        }
        if (v instanceof NodeId id) {
            return Value.of(id.toParseableString());
        }
        if (v instanceof ExpandedNodeId id) {
            return Value.of(id.toParseableString());
        }
        if (v instanceof UUID u) {
            return Value.of(u.toString());
        }
        if (v instanceof ByteString b) {
            return Value.of(Base64.getEncoder().encodeToString(b.bytesOrEmpty()));
        }
        if (v instanceof XmlElement x) {
            return Value.of(x.fragment() == null ? "" : x.fragment());
        }
        if (v instanceof StatusCode s) {
            return Value.of(StatusNames.of(s));
        }
        String type = v == null ? "Null" : OpcUaDataType.isBuiltin(v.getClass())
                ? OpcUaDataType.fromBackingClass(v.getClass()).name() : v.getClass().getSimpleName();
        throw new UnsupportedValueException("unsupported-type:" + type,
                "values of type " + type + " cannot be published as a point value");
    }
}
