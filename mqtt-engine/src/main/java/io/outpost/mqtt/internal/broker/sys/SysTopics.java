package io.outpost.mqtt.internal.broker.sys;

import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.mqtt.internal.broker.stats.BrokerStats;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The {@code $SYS/broker/...} topics, as mosquitto names them: retained QoS 0 messages, published when a value
 * changed since the last round. Each round runs on one broker thread ({@link #round}); not thread-safe.
 */
public final class SysTopics {

    /** The origin of {@code $SYS} messages. */
    public static final String ORIGIN = "$SYS";
    private static final MessageProperties TEXT = new MessageProperties(List.of(), null, null, null, null, true);

    private final BrokerStats stats;
    private final IntSupplier sessions;
    private final IntSupplier subscriptions;
    private final IntSupplier retained;
    private final LongSupplier nowMillis;
    private final long startedAtMillis;
    private final String version;
    private final Map<String, String> last = new HashMap<>();

    public SysTopics(BrokerStats stats, IntSupplier sessions, IntSupplier subscriptions, IntSupplier retained,
                     LongSupplier nowMillis, String version) {
        this.stats = stats;
        this.sessions = sessions;
        this.subscriptions = subscriptions;
        this.retained = retained;
        this.nowMillis = nowMillis;
        this.startedAtMillis = nowMillis.getAsLong();
        this.version = version;
    }

    /** The messages of this round: one per topic whose value changed. */
    public List<Message> round() {
        long now = nowMillis.getAsLong();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("$SYS/broker/version", version);
        values.put("$SYS/broker/uptime", (now - startedAtMillis) / 1000 + " seconds");
        values.put("$SYS/broker/clients/connected", Integer.toString(stats.connections()));
        values.put("$SYS/broker/clients/total", Integer.toString(sessions.getAsInt()));
        values.put("$SYS/broker/messages/received", Long.toString(stats.messagesReceived()));
        values.put("$SYS/broker/messages/sent", Long.toString(stats.messagesSent()));
        values.put("$SYS/broker/messages/dropped", Long.toString(stats.dropped()));
        values.put("$SYS/broker/bytes/received", Long.toString(stats.bytesReceived()));
        values.put("$SYS/broker/bytes/sent", Long.toString(stats.bytesSent()));
        values.put("$SYS/broker/subscriptions/count", Integer.toString(subscriptions.getAsInt()));
        values.put("$SYS/broker/retained messages/count", Integer.toString(retained.getAsInt()));
        values.put("$SYS/broker/clients/slow-disconnects", Long.toString(stats.slowDisconnects()));
        List<Message> out = new java.util.ArrayList<>();
        values.forEach((topic, value) -> {
            if (!value.equals(last.put(topic, value))) {
                out.add(Message.of(new MessageHeader(topic, 0, true, TEXT, ORIGIN),
                        value.getBytes(StandardCharsets.UTF_8), now));
            }
        });
        return out;
    }
}
