package io.outpost.adapter.bacnet.write;

import com.serotonin.bacnet4j.service.confirmed.WritePropertyRequest;
import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.primitive.Null;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import io.outpost.adapter.bacnet.config.BacnetPointSettings;
import io.outpost.adapter.bacnet.stack.BacnetPeer;
import io.outpost.adapter.bacnet.stack.BacnetStack;
import io.outpost.core.point.Value;
import io.outpost.core.spi.DeviceException;

/**
 * WriteProperty for points: the value at the point's priority, or NULL at that priority to relinquish it, so that
 * the next lower priority (or the relinquish default) takes over. Blocking: runs on the device's IO thread.
 */
public final class PointWriter {

    private final BacnetStack stack;

    public PointWriter(BacnetStack stack) {
        this.stack = stack;
    }

    public void write(BacnetPeer peer, BacnetPointSettings point, Value value) throws DeviceException {
        send(peer, point, WriteEncoding.encode(point, value), "write of " + value + " to ");
    }

    /** Writes NULL at the point's priority (16 when none is configured: the device's default). */
    public void relinquish(BacnetPeer peer, BacnetPointSettings point) throws DeviceException {
        send(peer, point, Null.instance, "relinquish of ");
    }

    private void send(BacnetPeer peer, BacnetPointSettings point, Encodable value, String what) throws DeviceException {
        UnsignedInteger index = point.arrayIndex() == null ? null : new UnsignedInteger(point.arrayIndex());
        UnsignedInteger priority = point.priority() == null ? null : new UnsignedInteger(point.priority());
        stack.call(peer.remote(), new WritePropertyRequest(point.object().toIdentifier(),
                com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier.forId(point.property()), index, value, priority),
                what + point.describe() + (priority == null ? "" : " at priority " + priority));
    }
}
