package io.outpost.mqtt.internal.bridge.route;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.outpost.core.log.SafeText;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.mqtt.api.LocalBroker;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.ReverseRule;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import io.outpost.mqtt.internal.bridge.client.MqttPackets;
import io.outpost.mqtt.internal.bridge.client.ReasonCodes;
import io.outpost.mqtt.internal.bridge.client.UpstreamConnection;
import io.outpost.mqtt.internal.bridge.client.UpstreamPublish;
import io.outpost.mqtt.internal.bridge.flow.InflightTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reverse rules: subscribes upstream to their filters at each connection and publishes what arrives on the local
 * broker (commands from the cloud). A QoS 1/2 message is acknowledged upstream only after the local broker took it;
 * a QoS 2 message is published locally once even if the upstream sends it again before PUBREL, also across a
 * restart of the gateway ({@link CommandHandshakes}: the packet id is on disk before PUBREC). Confined to the
 * upstream's thread.
 *
 * <p>An upstream may only make the gateway publish locally where its reverse rules lead. So an MQTT 5 response topic
 * from the upstream, which names a topic in the cloud's namespace, is mapped through the reverse rules like the
 * message's own topic; one that no rule maps (or that maps to a {@code $} topic) is removed, and the answer goes to
 * the command's result topic instead (the command router also refuses a response topic that is a command topic).
 */
public final class ReverseRouter {

    private static final Logger LOG = LoggerFactory.getLogger(ReverseRouter.class);

    private final UpstreamConfig config;
    private final LocalBroker broker;
    private final Executor loop;
    private final Clock clock;
    private final String origin;
    private final boolean v5;
    private final CommandHandshakes qos2Received;
    /** QoS 2 messages being published locally: a copy sent again meanwhile waits for the first's PUBREC. */
    private final Set<Integer> qos2Publishing = new HashSet<>();
    private int subscribePacketId = -1;

    public ReverseRouter(UpstreamConfig config, LocalBroker broker, Executor loop, Clock clock, String origin) {
        this(config, broker, loop, clock, origin, null);
    }

    /** As above, keeping the QoS 2 de-duplication state in {@code dir} (null: in memory only, for tests). */
    public ReverseRouter(UpstreamConfig config, LocalBroker broker, Executor loop, Clock clock, String origin,
                         java.nio.file.Path dir) {
        this.qos2Received = dir == null ? CommandHandshakes.inMemory(config.name()) : CommandHandshakes.open(dir, config.name());
        this.config = config;
        this.broker = broker;
        this.loop = loop;
        this.clock = clock;
        this.origin = origin;
        this.v5 = config.protocol() == MqttProtocol.V5;
    }

    /** Subscribes to every reverse filter on a new connection. */
    public void connected(UpstreamConnection c, InflightTable ids) {
        qos2Publishing.clear();
        if (!c.connAck().sessionPresent()) {
            // A new session: the server's packet ids of the old one mean nothing any more.
            qos2Received.clear();
        }
        if (config.reverse().isEmpty()) {
            return;
        }
        if (subscribePacketId > 0) {
            ids.release(subscribePacketId);
        }
        subscribePacketId = ids.reserve();
        List<String> filters = new ArrayList<>();
        List<Integer> qos = new ArrayList<>();
        for (ReverseRule r : config.reverse()) {
            filters.add(r.to().filter().text());
            qos.add(r.qos());
        }
        c.send(List.of(MqttPackets.subscribe(subscribePacketId, filters, qos, v5)), null);
    }

    public void subAck(MqttSubAckMessage ack, InflightTable ids) {
        int id = ack.variableHeader().messageId();
        if (id != subscribePacketId) {
            return;
        }
        ids.release(id);
        subscribePacketId = -1;
        List<Integer> codes = ack.payload().reasonCodes();
        for (int i = 0; i < codes.size() && i < config.reverse().size(); i++) {
            if (codes.get(i) >= 0x80) {
                LOG.error("upstream {}: the server refused the subscription to {} ({}); commands on it will not arrive",
                        config.name(), config.reverse().get(i).to().filter(), ReasonCodes.describe(codes.get(i)));
            }
        }
    }

    /** A PUBLISH from the upstream. */
    public void publish(UpstreamConnection c, UpstreamPublish p) {
        if (p.qos() == 2 && qos2Received.contains(p.packetId())) {
            c.send(List.of(MqttPackets.pubRec(p.packetId(), 0, v5)), null);
            return;
        }
        if (p.qos() == 2 && !qos2Publishing.add(p.packetId())) {
            return;
        }
        String local = null;
        int qos = p.qos();
        for (ReverseRule r : config.reverse()) {
            local = r.to().apply(p.topic());
            if (local != null) {
                qos = Math.min(p.qos(), r.qos());
                break;
            }
        }
        if (local == null) {
            LOG.warn("upstream {}: a message on {} matches no reverse rule (or maps to no valid topic); not published",
                    config.name(), SafeText.of(p.topic()));
            acknowledge(c, p, 0x10);
            return;
        }
        Message m = Message.of(new MessageHeader(local, qos, p.retain(), new MessageProperties(p.userProperties(),
                p.messageExpirySeconds(), p.contentType(), localResponseTopic(p), p.correlationData(),
                p.payloadFormatUtf8()), origin), p.payload(), clock.millis());
        String topic = local;
        broker.publish(m).whenComplete((ok, err) -> loop.execute(() -> {
            if (err != null) {
                LOG.warn("upstream {}: the local broker refused a message on {}: {}", config.name(), SafeText.of(topic),
                        SafeText.of(err.getMessage()));
            }
            acknowledge(c, p, err == null ? 0 : 0x97);
        }));
    }

    /** The local topic the upstream's response topic maps to through the reverse rules, or null. */
    private String localResponseTopic(UpstreamPublish p) {
        String remote = p.responseTopic();
        if (remote == null) {
            return null;
        }
        for (ReverseRule r : config.reverse()) {
            String local = r.to().apply(remote);
            if (local != null && !local.startsWith("$")) {
                return local;
            }
        }
        LOG.warn("upstream {}: response topic {} of a message on {} maps through no reverse rule; the answer goes to "
                + "the result topic", config.name(), SafeText.of(remote), SafeText.of(p.topic()));
        return null;
    }

    private void acknowledge(UpstreamConnection c, UpstreamPublish p, int reason) {
        if (p.qos() == 1) {
            c.send(List.of(MqttPackets.pubAck(p.packetId(), reason, v5)), null);
        } else if (p.qos() == 2) {
            qos2Publishing.remove(p.packetId());
            if (reason < 0x80) {
                qos2Received.add(p.packetId());
            }
            c.send(List.of(MqttPackets.pubRec(p.packetId(), reason, v5)), null);
        }
    }

    /** PUBREL from the upstream: the QoS 2 handshake ends. */
    public void release(UpstreamConnection c, MqttMessage pubRel) {
        int id = ((MqttMessageIdVariableHeader) pubRel.variableHeader()).messageId();
        qos2Received.remove(id);
        c.send(List.of(MqttPackets.pubComp(id, v5)), null);
    }
}
