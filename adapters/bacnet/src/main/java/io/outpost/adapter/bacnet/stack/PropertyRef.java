package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.type.constructed.PropertyReference;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import io.outpost.adapter.bacnet.config.BacnetNames;
import io.outpost.adapter.bacnet.config.BacnetObjectRef;
import java.util.Objects;

/** One property of one object, optionally one element of an array property. */
public record PropertyRef(ObjectIdentifier object, int property, Integer index) {

    public PropertyRef {
        Objects.requireNonNull(object, "object");
    }

    public static PropertyRef of(ObjectIdentifier object, PropertyIdentifier property) {
        return new PropertyRef(object, property.intValue(), null);
    }

    public PropertyIdentifier propertyIdentifier() {
        return PropertyIdentifier.forId(property);
    }

    public UnsignedInteger indexOrNull() {
        return index == null ? null : new UnsignedInteger(index);
    }

    public PropertyReference toReference() {
        return new PropertyReference(propertyIdentifier(), indexOrNull());
    }

    @Override
    public String toString() {
        return BacnetObjectRef.of(object) + " " + BacnetNames.propertyName(property) + (index == null ? "" : "[" + index + "]");
    }
}
