package io.outpost.adapter.bacnet.config;

import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;

/** A BACnet object: its type number and instance, written {@code analog-input:1}. */
public record BacnetObjectRef(int type, int instance) {

    public BacnetObjectRef {
        if (type < 0 || type > BacnetNames.MAX_OBJECT_TYPE) {
            throw new IllegalArgumentException("object type must be 0 to " + BacnetNames.MAX_OBJECT_TYPE + ", found " + type);
        }
        if (instance < 0 || instance > BacnetNames.MAX_INSTANCE + 1) {
            throw new IllegalArgumentException("instance must be 0 to " + BacnetNames.MAX_INSTANCE + ", found " + instance);
        }
    }

    public static BacnetObjectRef of(ObjectIdentifier id) {
        return new BacnetObjectRef(id.getObjectType().intValue(), id.getInstanceNumber());
    }

    public ObjectIdentifier toIdentifier() {
        return new ObjectIdentifier(type, instance);
    }

    @Override
    public String toString() {
        return BacnetNames.objectTypeName(type) + ":" + instance;
    }
}
