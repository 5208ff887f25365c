package io.outpost.mqtt.internal.bridge;

import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.message.Message;
import io.outpost.mqtt.api.LocalBroker;
import io.outpost.mqtt.bridge.config.BatchFormat;
import io.outpost.mqtt.bridge.config.ForwardRule;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.Packing;
import io.outpost.mqtt.bridge.config.TopicRewrite;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import io.outpost.mqtt.bridge.config.WillConfig;
import io.outpost.mqtt.internal.bridge.batch.BatchEncoder;
import io.outpost.mqtt.internal.bridge.batch.Compressor;
import io.outpost.mqtt.internal.bridge.batch.TsBatchEncoder;
import io.outpost.mqtt.internal.bridge.batch.TsTable;
import io.outpost.mqtt.internal.bridge.client.MqttPackets;
import io.outpost.mqtt.internal.bridge.client.UpstreamConnection;
import io.outpost.mqtt.internal.bridge.flow.InflightTable;
import io.outpost.mqtt.internal.bridge.store.Route;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's status birth and death on a (non-Sparkplug) upstream: the connection's will says
 * {@code {"state":"offline",...}} on the remote name of the gateway status topic (retained), so the cloud sees the
 * gateway go when the link or the process dies; on every connection the gateway's latest local status is sent again
 * (retained, QoS 1) so the cloud sees it come back. Under a batching rule both travel as a batch holding the status
 * message, encoded and compressed like the rule's other batches. With an explicit {@code will:} its topic and
 * payloads are used as given. Confined to the upstream's thread, except {@link #will} (called there too).
 */
final class StatusWill implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusWill.class);

    private final UpstreamConfig config;
    private final String remoteTopic;
    private final ForwardRule rule;
    private final String localTopic;
    private final GatewayIdentity gateway;
    private final Compressor compressor;
    private final Clock clock;
    private final boolean v5;
    private final LocalBroker.LocalSubscription subscription;
    private volatile byte[] latestStatus;
    private int birthPacketId = -1;
    private boolean birthSent;

    private StatusWill(UpstreamConfig config, String remoteTopic, ForwardRule rule, String localTopic,
                       GatewayIdentity gateway, LocalBroker broker, Compressor compressor, Clock clock) {
        this.config = config;
        this.remoteTopic = remoteTopic;
        this.rule = rule;
        this.localTopic = localTopic;
        this.gateway = gateway;
        this.compressor = compressor;
        this.clock = clock;
        this.v5 = config.protocol() == MqttProtocol.V5;
        this.subscription = localTopic == null || !config.uplink().will().isAuto() ? null
                : broker.subscribe(localTopic, 1, this::localStatus);
    }

    /** The will of an upstream, or null when it has none (off, Sparkplug, or no forward rule takes the status topic). */
    static StatusWill of(UpstreamConfig config, String gatewayStatusTopic, GatewayIdentity gateway, LocalBroker broker,
                         Compressor compressor, Clock clock) {
        WillConfig will = config.uplink().will();
        if (will == null) {
            return null;
        }
        if (!will.isAuto()) {
            return new StatusWill(config, will.topic(), null, null, gateway, broker, compressor, clock);
        }
        for (ForwardRule r : config.forward()) {
            if (r.to().filter().matches(gatewayStatusTopic)) {
                String remote = r.to().apply(gatewayStatusTopic, TopicRewrite.NO_DEVICE);
                if (remote != null) {
                    return new StatusWill(config, remote, r, gatewayStatusTopic, gateway, broker, compressor, clock);
                }
            }
        }
        LOG.info("upstream {}: no forward rule takes the gateway status topic {}, so the connection has no will",
                config.name(), gatewayStatusTopic);
        return null;
    }

    private void localStatus(Message m) {
        if (m.payload().length > 0) {
            latestStatus = m.payload();
        }
    }

    /** The will for the next connection. */
    MqttPackets.Will will() {
        WillConfig w = config.uplink().will();
        byte[] payload = w.isAuto() ? encode(("{\"state\":\"offline\",\"gateway\":\"" + gateway.id()
                + "\",\"reason\":\"connection-lost\"}").getBytes(StandardCharsets.UTF_8)) : w.payload();
        return new MqttPackets.Will(remoteTopic, payload, w.qos(), w.retain());
    }

    /** Sends the birth on a new connection (when there is one to send). */
    void connected(UpstreamConnection c, InflightTable ids) {
        WillConfig w = config.uplink().will();
        byte[] birth = w.isAuto() ? latestStatus : w.birthPayload();
        birthSent = false;
        if (birth == null) {
            return;
        }
        if (birthPacketId > 0) {
            ids.release(birthPacketId);
        }
        birthPacketId = ids.reserve();
        Message m = Message.of(remoteTopic, w.isAuto() ? encode(birth) : birth, 1, w.retain(), Message.ORIGIN_GATEWAY,
                clock.millis());
        c.send(List.of(MqttPackets.publish(m, null, 1, w.retain(), birthPacketId, false, clock.millis(), v5,
                c.aliases())), null);
        birthSent = true;
    }

    /** True when a PUBACK was the birth's. */
    boolean acknowledged(int packetId, InflightTable ids) {
        if (packetId != birthPacketId) {
            return false;
        }
        ids.release(packetId);
        birthPacketId = -1;
        return true;
    }

    /** True when the cloud was told "online" on this connection: an orderly stop must then leave the will. */
    boolean birthSent() {
        return birthSent;
    }

    /** The status as the rule's batches carry it, or as is under a rule that sends messages as published. */
    private byte[] encode(byte[] status) {
        Packing p = rule == null ? null : rule.packing();
        if (p == null) {
            return status;
        }
        byte[] body = status;
        if (p.format().batches()) {
            // Shaped like a queued message of the rule, so the cloud decodes it as it decodes the rule's batches.
            StoredRecord m = new StoredRecord(null, 0, 0, Message.of(localTopic, status, 1, true,
                    Message.ORIGIN_GATEWAY, clock.millis()), new Route(localTopic, remoteTopic, 1, true, p, null, null));
            body = p.format() == BatchFormat.TS_BATCH ? TsBatchEncoder.encode(TsTable.EMPTY, List.of(m), false)
                    : BatchEncoder.encode(p.format(), List.of(m), false);
        }
        return compressor.compress(body, p.compression(), p.dictionaryId());
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
