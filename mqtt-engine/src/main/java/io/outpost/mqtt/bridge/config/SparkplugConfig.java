package io.outpost.mqtt.bridge.config;

import java.util.Objects;

/**
 * An upstream in Sparkplug B mode: the gateway is the edge node {@code edgeNodeId} of {@code groupId}, its devices
 * are Sparkplug devices and their points metrics.
 *
 * @param primaryHostId the primary host application whose {@code STATE} gates publishing, or null for none
 * @param dataQos       QoS of NDATA/DDATA: 0 as the specification asks, 1 for hosts that accept it
 */
public record SparkplugConfig(String groupId, String edgeNodeId, String primaryHostId, int dataQos) {

    public static final String NAMESPACE = "spBv1.0";

    public SparkplugConfig {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(edgeNodeId, "edgeNodeId");
        if (dataQos < 0 || dataQos > 1) {
            throw new IllegalArgumentException("dataQos must be 0 or 1, found " + dataQos);
        }
    }

    /** {@code spBv1.0/<group>/<type>/<node>} */
    public String nodeTopic(String type) {
        return NAMESPACE + "/" + groupId + "/" + type + "/" + edgeNodeId;
    }

    /** {@code spBv1.0/<group>/<type>/<node>/<device>} */
    public String deviceTopic(String type, String device) {
        return nodeTopic(type) + "/" + device;
    }

    /** The primary host's state topic (Sparkplug 3.0), or null. */
    public String stateTopic() {
        return primaryHostId == null ? null : NAMESPACE + "/STATE/" + primaryHostId;
    }
}
