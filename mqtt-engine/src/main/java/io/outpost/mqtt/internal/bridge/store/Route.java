package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.point.PointRef;
import io.outpost.mqtt.bridge.config.Packing;
import java.util.Objects;

/**
 * How messages of one local topic travel upstream under one forward rule: the remote topic, QoS, RETAIN and packing, fixed when the message is queued so that it is sent as queued even if the rules change while
 * it waits. A forwarder makes one route per point and rule and shares it between that point's readings; the store
 * writes a route once to its route table ({@link RouteTable}) and records of readings refer to it by index, which is
 * how a queued reading takes a few bytes on disk.
 *
 * @param point  the point whose readings take this route, or null for other messages (those are stored whole)
 * @param format the payload format a reading is rendered with when sent as published ({@code json}), or null
 */
public record Route(String localTopic, String remoteTopic, int qos, boolean retain, Packing packing,
                    PointRef point, String format) {

    public Route {
        Objects.requireNonNull(localTopic, "localTopic");
        Objects.requireNonNull(remoteTopic, "remoteTopic");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, found " + qos);
        }
        if (point != null && format == null) {
            throw new IllegalArgumentException("a point's route needs its payload format: " + point);
        }
    }

    /** True for routes of a point's readings, which go into the route table. */
    public boolean isReading() {
        return point != null;
    }

    /** True when messages of this route are packed (batches, Sparkplug, or compressed one by one). */
    public boolean packed() {
        return packing != null;
    }
}
