package io.outpost.mqtt.internal.bridge;

import io.outpost.core.message.Message;
import io.outpost.mqtt.internal.bridge.batch.TsBatchPacker;
import io.outpost.mqtt.internal.bridge.client.MqttPackets;
import io.outpost.mqtt.internal.bridge.client.UpstreamConnection;
import io.outpost.mqtt.internal.bridge.flow.InflightTable;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Sends {@code ts-batch} point tables on the upstream's connection: retained, at QoS 1 (so that a consumer's
 * persistent session queues them), with packet ids reserved from the sender's table and let go on PUBACK or with the
 * connection. Confined to the upstream's thread.
 */
final class TsTableLink implements TsBatchPacker.Announcer {

    private final Clock clock;
    private final String origin;
    private final boolean v5;
    private final Set<Integer> unacked = new HashSet<>();
    private UpstreamConnection connection;
    private InflightTable ids;

    TsTableLink(Clock clock, String origin, boolean v5) {
        this.clock = clock;
        this.origin = origin;
        this.v5 = v5;
    }

    void connected(UpstreamConnection c, InflightTable ids) {
        for (int id : unacked) {
            ids.release(id);
        }
        unacked.clear();
        this.connection = c;
        this.ids = ids;
    }

    void disconnected() {
        connection = null;
    }

    /** True when a PUBACK was a table's. */
    boolean acknowledged(int packetId, InflightTable ids) {
        if (!unacked.remove(packetId)) {
            return false;
        }
        ids.release(packetId);
        return true;
    }

    @Override
    public boolean publish(String topic, byte[] payload, int qos) {
        if (connection == null) {
            return false;
        }
        int packetId = qos == 0 ? 0 : ids.reserve();
        if (qos > 0) {
            unacked.add(packetId);
        }
        Message m = Message.of(topic, payload, qos, true, origin, clock.millis());
        connection.send(List.of(MqttPackets.publish(m, null, qos, true, packetId, false, clock.millis(), v5,
                connection.aliases())), null);
        return true;
    }
}
