package io.outpost.mqtt.internal.bridge.sparkplug;

import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.PointConfig;
import io.outpost.core.log.SafeText;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.point.DataType;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.mqtt.api.LocalBroker;
import io.outpost.mqtt.api.PointCatalog;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.SparkplugConfig;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import io.outpost.mqtt.internal.bridge.batch.Packer;
import io.outpost.mqtt.internal.bridge.client.MqttPackets;
import io.outpost.mqtt.internal.bridge.client.UpstreamConnection;
import io.outpost.mqtt.internal.bridge.client.UpstreamPublish;
import io.outpost.mqtt.internal.bridge.flow.InflightTable;
import io.outpost.mqtt.internal.bridge.flow.Sender;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as a Sparkplug B edge node: NDEATH as the connection's will (with a bdSeq kept on disk), NBIRTH and
 * a DBIRTH per device with every point as a metric (name, alias, datatype, engineering unit, current value), DDATA
 * packed from the queued readings of each device (by alias, only what changed, {@code is_historical} for readings
 * queued before the birth), DDEATH/DBIRTH as devices go offline and come back, seq 0-255 across all of them.
 * NCMD {@code Node Control/Rebirth} births again; DCMD metrics become writes through the points' command topics
 * (the same conversion and checks as MQTT commands). With a primary host, nothing is born or sent until its
 * {@code STATE} says online; while it is offline readings stay queued and go out as historical when it returns.
 *
 * <p>Confined to the upstream's thread, except {@link #attach} and {@link #will}.
 */
public final class SparkplugSession implements Packer {

    private static final Logger LOG = LoggerFactory.getLogger(SparkplugSession.class);
    private static final int INT64 = SparkplugTypes.INT64;
    static final String REBIRTH = "Node Control/Rebirth";

    /** What the host was last told about a device. */
    private record Born(List<PointConfig> points, boolean alive) {
    }

    private final UpstreamConfig config;
    private final SparkplugConfig sp;
    private final LocalBroker broker;
    private final Clock clock;
    private final String origin;
    private final BdSeqFile bdSeq;
    private final boolean v5;
    private final Map<PointRef, Long> aliases = new HashMap<>();
    /** The configured type of each born point (null: learned from the device), as its DBIRTH gave it. */
    private final Map<PointRef, DataType> types = new HashMap<>();
    private final Map<String, Born> born = new LinkedHashMap<>();
    private volatile PointCatalog catalog;
    private volatile long willBdSeq;
    private UpstreamConnection connection;
    private InflightTable ids;
    private Sender sender;
    private int subscribePacketId = -1;
    private boolean hostOnline;
    private long hostStateTimestamp = Long.MIN_VALUE;
    private boolean nodeBorn;
    private long seq = -1;

    public SparkplugSession(UpstreamConfig config, Path dir, LocalBroker broker, Clock clock, String origin) {
        this.config = config;
        this.sp = config.uplink().sparkplug();
        this.broker = broker;
        this.clock = clock;
        this.origin = origin;
        this.bdSeq = new BdSeqFile(dir);
        this.v5 = config.protocol() == MqttProtocol.V5;
    }

    /** Gives the session the core's devices and points; births wait for it. Any thread. */
    public void attach(PointCatalog points) {
        this.catalog = points;
    }

    /** The NDEATH of the next connection, with a new bdSeq. Called on the upstream's thread at each attempt. */
    public MqttPackets.Will will() {
        willBdSeq = bdSeq.next();
        return new MqttPackets.Will(sp.nodeTopic("NDEATH"), ndeath(), 1, false);
    }

    private byte[] ndeath() {
        return Metric.payloadWithoutSeq(clock.millis(), List.of(new Metric("bdSeq", -1, clock.millis(), INT64, false,
                Value.of(willBdSeq), "", true)));
    }

    // ------------------------------------------------------------------ connection

    /** A connection came up: subscribe to commands (and the host's state), then birth unless waiting for the host. */
    public void connected(UpstreamConnection c, InflightTable ids, Sender s) {
        connection = c;
        this.ids = ids;
        sender = s;
        nodeBorn = false;
        born.clear();
        hostOnline = sp.primaryHostId() == null;
        if (subscribePacketId > 0) {
            ids.release(subscribePacketId);
        }
        subscribePacketId = ids.reserve();
        List<String> filters = new ArrayList<>(List.of(sp.nodeTopic("NCMD"), sp.nodeTopic("DCMD") + "/+"));
        if (sp.stateTopic() != null) {
            filters.add(sp.stateTopic());
        }
        c.send(List.of(MqttPackets.subscribe(subscribePacketId, filters, filters.stream().map(f -> 1).toList(), v5)), null);
        tryBirth();
    }

    public void disconnected() {
        connection = null;
        nodeBorn = false;
    }

    /** True when the SUBACK was for the session's subscription. */
    public boolean subAck(MqttSubAckMessage ack, InflightTable ids) {
        if (ack.variableHeader().messageId() != subscribePacketId) {
            return false;
        }
        ids.release(subscribePacketId);
        subscribePacketId = -1;
        if (ack.payload().reasonCodes().stream().anyMatch(code -> code >= 0x80)) {
            LOG.error("upstream {}: the server refused a Sparkplug command or STATE subscription ({}); commands or the "
                    + "primary host's state will not arrive", config.name(), ack.payload().reasonCodes());
        }
        return true;
    }

    /** Publishes NDEATH before an orderly disconnect (the will goes only when the link breaks). */
    public void closing() {
        if (connection != null && nodeBorn) {
            publish(sp.nodeTopic("NDEATH"), ndeath(), 1);
        }
    }

    /** Periodically: births that were waiting, devices that went offline, came back, appeared or changed. */
    public void tick() {
        if (!nodeBorn) {
            tryBirth();
            return;
        }
        PointCatalog points = catalog;
        Map<String, DeviceConfig> now = new LinkedHashMap<>();
        points.devices().forEach(d -> now.put(d.id(), d));
        for (String gone : List.copyOf(born.keySet())) {
            if (!now.containsKey(gone)) {
                ddeath(gone);
                born.remove(gone);
            }
        }
        for (DeviceConfig d : now.values()) {
            Born was = born.get(d.id());
            boolean alive = alive(points, d.id());
            if (was == null || !was.points.equals(d.points()) || !was.alive && alive) {
                dbirth(points, d);
            } else if (was.alive && !alive) {
                ddeath(d.id());
            }
        }
    }

    // ------------------------------------------------------------------ inbound

    /** Handles a PUBLISH on the session's topics; false when it is not one of them. */
    public boolean inbound(UpstreamConnection c, UpstreamPublish p) {
        boolean ours = p.topic().equals(sp.stateTopic()) || p.topic().equals(sp.nodeTopic("NCMD"))
                || p.topic().startsWith(sp.nodeTopic("DCMD") + "/");
        if (!ours) {
            return false;
        }
        if (p.qos() == 1) {
            c.send(List.of(MqttPackets.pubAck(p.packetId(), 0, v5)), null);
        } else if (p.qos() == 2) {
            c.send(List.of(MqttPackets.pubRec(p.packetId(), 0, v5)), null);
        }
        try {
            if (p.topic().equals(sp.stateTopic())) {
                hostState(p.payload());
            } else if (p.topic().equals(sp.nodeTopic("NCMD"))) {
                nodeCommand(SparkplugCommands.read(p.payload()));
            } else {
                deviceCommand(p.topic().substring(sp.nodeTopic("DCMD").length() + 1), SparkplugCommands.read(p.payload()));
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("upstream {}: ignoring a malformed message on {}: {}", config.name(), SafeText.of(p.topic()),
                    SafeText.of(e.getMessage()));
        }
        return true;
    }

    private void hostState(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8).trim();
        boolean online;
        long timestamp = Long.MIN_VALUE;
        if (text.startsWith("{")) {
            // Sparkplug 3.0: {"online":true,"timestamp":1663874900000}
            online = text.replace(" ", "").contains("\"online\":true");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"timestamp\"\\s*:\\s*(\\d+)").matcher(text);
            if (m.find()) {
                timestamp = Long.parseLong(m.group(1));
            }
        } else {
            // Sparkplug 2.2 hosts publish ONLINE / OFFLINE.
            online = text.equalsIgnoreCase("ONLINE");
        }
        if (timestamp != Long.MIN_VALUE && timestamp < hostStateTimestamp) {
            LOG.debug("upstream {}: ignoring an older STATE of {}", config.name(), sp.primaryHostId());
            return;
        }
        hostStateTimestamp = Math.max(hostStateTimestamp, timestamp);
        if (online && !hostOnline) {
            LOG.info("upstream {}: primary host {} is online", config.name(), sp.primaryHostId());
            hostOnline = true;
            tryBirth();
        } else if (!online && hostOnline) {
            LOG.warn("upstream {}: primary host {} is offline; readings stay queued and go out as historical when it "
                    + "returns", config.name(), sp.primaryHostId());
            hostOnline = false;
            nodeBorn = false;
            sender.hold();
        }
    }

    private void nodeCommand(List<SparkplugCommands.Command> commands) {
        for (SparkplugCommands.Command c : commands) {
            if (REBIRTH.equals(c.name()) && Boolean.TRUE.equals(c.value())) {
                LOG.info("upstream {}: rebirth asked by the host", config.name());
                if (connection != null && hostOnline) {
                    birth();
                }
            } else {
                LOG.warn("upstream {}: NCMD {} is not supported; ignored", config.name(), SafeText.of(c.name()));
            }
        }
    }

    private void deviceCommand(String device, List<SparkplugCommands.Command> commands) {
        PointCatalog points = catalog;
        Optional<DeviceConfig> d = points == null ? Optional.empty()
                : points.devices().stream().filter(x -> x.id().equals(device)).findFirst();
        if (d.isEmpty()) {
            LOG.warn("upstream {}: DCMD for unknown device {}; ignored", config.name(), SafeText.of(device));
            return;
        }
        for (SparkplugCommands.Command c : commands) {
            Optional<PointConfig> point = d.get().points().stream().filter(p -> p.id().equals(c.name())
                    || c.alias() >= 0 && Long.valueOf(c.alias()).equals(aliases.get(p.ref()))).findFirst();
            if (point.isEmpty() || point.get().command() == null) {
                LOG.warn("upstream {}: DCMD for {}/{} which is not a writable point; ignored", config.name(),
                        SafeText.of(device), c.name() != null ? SafeText.of(c.name()) : "alias " + c.alias());
                continue;
            }
            // The core's command route does the type and range checks and the write, and reports the value back.
            byte[] body = json(c.value()).getBytes(StandardCharsets.UTF_8);
            broker.publish(Message.of(new MessageHeader(point.get().command().commandTopic(), 1, false,
                    MessageProperties.JSON, origin), body, clock.millis()));
        }
    }

    private static String json(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return value.toString();
    }

    // ------------------------------------------------------------------ births

    private void tryBirth() {
        if (connection != null && hostOnline && !nodeBorn && catalog != null) {
            birth();
        }
    }

    /** NBIRTH and every DBIRTH, then the held readings go (those queued before now as historical). */
    private void birth() {
        PointCatalog points = catalog;
        seq = -1;
        long now = clock.millis();
        List<Metric> node = List.of(
                new Metric("bdSeq", -1, now, INT64, false, Value.of(willBdSeq), "", true),
                new Metric(REBIRTH, -1, now, SparkplugTypes.BOOLEAN, false, Value.of(false), "", true));
        publish(sp.nodeTopic("NBIRTH"), Metric.payload(now, nextSeq(), node), 0);
        born.clear();
        for (DeviceConfig d : points.devices()) {
            dbirth(points, d);
        }
        nodeBorn = true;
        LOG.info("upstream {}: Sparkplug edge node {}/{} born (bdSeq {}, {} device(s))", config.name(), sp.groupId(),
                sp.edgeNodeId(), willBdSeq, born.size());
        sender.release(now);
    }

    private void dbirth(PointCatalog points, DeviceConfig d) {
        long now = clock.millis();
        List<Metric> metrics = new ArrayList<>(d.points().size());
        for (PointConfig p : d.points()) {
            Sample latest = points.latest(p.ref()).orElse(null);
            Value value = latest == null ? null : latest.value();
            long ts = latest == null ? now : latest.sourceMillis();
            types.put(p.ref(), p.type());
            metrics.add(new Metric(p.id(), aliasOf(p.ref()), ts, SparkplugTypes.of(p.type(), value), false, value,
                    p.unit(), true));
        }
        publish(sp.deviceTopic("DBIRTH", d.id()), Metric.payload(now, nextSeq(), metrics), 0);
        boolean alive = alive(points, d.id());
        born.put(d.id(), new Born(d.points(), alive));
        if (!alive) {
            ddeath(d.id());
        }
    }

    private void ddeath(String device) {
        publish(sp.deviceTopic("DDEATH", device), Metric.payload(clock.millis(), nextSeq(), List.of()), 0);
        Born was = born.get(device);
        if (was != null) {
            born.put(device, new Born(was.points, false));
        }
    }

    private static boolean alive(PointCatalog points, String device) {
        return points.status(device).map(s -> s.state() != DeviceStatus.State.OFFLINE).orElse(true);
    }

    private long aliasOf(PointRef ref) {
        return aliases.computeIfAbsent(ref, r -> (long) aliases.size() + 1);
    }

    private long nextSeq() {
        seq = (seq + 1) & 0xFF;
        return seq;
    }

    private void publish(String topic, byte[] payload, int qos) {
        if (connection == null) {
            return;
        }
        Message m = Message.of(topic, payload, qos, false, origin, clock.millis());
        // NDEATH at close is the only QoS 1 message the session sends itself; its id is let go with the connection.
        connection.send(List.of(MqttPackets.publish(m, null, qos, false, qos == 0 ? 0 : ids.reserve(), false,
                clock.millis(), v5, connection.aliases())), null);
    }

    // ------------------------------------------------------------------ data

    @Override
    public Message pack(List<StoredRecord> records, boolean history) {
        StoredRecord first = records.get(0);
        // The payload is made again when written (its seq is the one of that moment); this one sizes the message.
        return Message.of(first.topic(), data(records, history, 0), first.qos(), false, origin, first.receivedAtMillis());
    }

    @Override
    public Message atWrite(Message packed, List<StoredRecord> records, boolean history) {
        return Message.of(packed.header(), data(records, history, nextSeq()), packed.receivedAtMillis());
    }

    private byte[] data(List<StoredRecord> records, boolean history, long sequence) {
        List<Metric> metrics = new ArrayList<>(records.size());
        for (StoredRecord r : records) {
            Sample s = r.sample();
            Long alias = aliases.get(s.point());
            // The type the birth announced for the point (by its configuration), so data and birth agree.
            int type = SparkplugTypes.of(types.get(s.point()), s.value());
            // A point born with an alias goes by it alone; one not born yet (a device added a moment ago) by name.
            metrics.add(new Metric(alias == null ? s.point().point() : null, alias == null ? -1 : alias,
                    s.sourceMillis(), type, history, s.value(), "", false));
        }
        return Metric.payload(clock.millis(), sequence, metrics);
    }
}
