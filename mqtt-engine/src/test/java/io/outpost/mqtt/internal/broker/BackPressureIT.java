package io.outpost.mqtt.internal.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.outpost.core.message.Message;
import io.outpost.mqtt.api.DurableForwarder;
import io.outpost.mqtt.internal.broker.testing.Clients;
import io.outpost.mqtt.internal.broker.testing.Peers;
import io.outpost.mqtt.internal.broker.testing.RawClient;
import io.outpost.mqtt.internal.broker.testing.TestBroker;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Back-pressure instead of disconnects: an MQTT 3.1.1 publisher beyond the inflight limit is no longer read until
 * acknowledgements free a slot (every message acknowledged and delivered once), a subscriber that falls behind
 * slows the network publishers that feed it (nothing dropped), a stalled one holds them back only briefly, and
 * every connection the broker closes is counted by reason and logged once.
 */
class BackPressureIT {

    @TempDir
    Path dir;
    private TestBroker broker;
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        Collections.reverse(closeAtEnd);
        for (AutoCloseable c : closeAtEnd) {
            c.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private double counter(String name, String... tags) {
        var search = broker.meters.find(name);
        if (tags.length > 0) {
            search = search.tags(tags);
        }
        var c = search.counter();
        if (c != null) {
            return c.count();
        }
        var f = search.functionCounter();
        return f == null ? 0 : f.count();
    }

    /** A forwarder that completes what it was given every 10 ms, as the bridge's store does with group commit. */
    private static final class GroupCommitForwarder implements DurableForwarder, AutoCloseable {
        final List<String> seen = new CopyOnWriteArrayList<>();
        private final ConcurrentLinkedQueue<CompletableFuture<Void>> pending = new ConcurrentLinkedQueue<>();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        GroupCommitForwarder() {
            timer.scheduleAtFixedRate(() -> {
                CompletableFuture<Void> f;
                while ((f = pending.poll()) != null) {
                    f.complete(null);
                }
            }, 10, 10, TimeUnit.MILLISECONDS);
        }

        @Override
        public CompletionStage<Void> accept(Message message) {
            seen.add(new String(message.payload(), StandardCharsets.UTF_8));
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** Counts payloads received by an independent subscriber (HiveMQ client) on {@code filter}. */
    private Map<String, AtomicInteger> subscribe(String filter) {
        Map<String, AtomicInteger> got = new ConcurrentHashMap<>();
        Mqtt3AsyncClient sub = Clients.builder3(broker.port(), "counter").buildAsync();
        sub.connect().join();
        sub.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).callback(p -> got.computeIfAbsent(
                new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8), k -> new AtomicInteger()).incrementAndGet())
                .send().join();
        closeAtEnd.add(() -> sub.disconnect().join());
        return got;
    }

    private static Map<String, Integer> counts(Map<String, AtomicInteger> got) {
        return got.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
    }

    private static int packetId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    @Test
    void an_mqtt_311_publisher_40_messages_ahead_is_slowed_not_disconnected_and_each_is_acknowledged_and_delivered_once() {
        broker = TestBroker.local(dir, "sys-interval: off");
        PendingForwarder forwarder = new PendingForwarder();
        broker.broker.addForwarder(forwarder);
        Map<String, AtomicInteger> delivered = subscribe("burst/#");
        try (RawClient pub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "plc", true, null)) {
            for (int i = 1; i <= 40; i++) {
                pub.publish("burst/x", 1, i, Integer.toString(i).getBytes(StandardCharsets.UTF_8), null);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> forwarder.seen.size() == 32);
            assertThat(pub.isOpen()).isTrue();
            assertThat(counter("outpost.broker.read.pauses")).isGreaterThanOrEqualTo(1);

            List<Integer> acked = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (acked.size() < 40 && System.nanoTime() < deadline) {
                // The forwarder commits what it holds (a held message is taken only once a slot is free).
                forwarder.stages.forEach(st -> st.complete(null));
                MqttMessage m = pub.next(Duration.ofMillis(100));
                if (m != null) {
                    assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
                    acked.add(packetId(m));
                }
            }
            assertThat(acked).isEqualTo(IntStream.rangeClosed(1, 40).boxed().toList());
            assertThat(pub.isOpen()).isTrue();
        }
        List<String> expected = IntStream.rangeClosed(1, 40).mapToObj(Integer::toString).toList();
        assertThat(forwarder.seen.stream().map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList())
                .isEqualTo(expected);
        await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 40);
        assertThat(counts(delivered)).allSatisfy((k, v) -> assertThat(v).as("deliveries of %s", k).isEqualTo(1));
        assertThat(counter("outpost.broker.connections.closed", "reason", "receive-maximum-exceeded")).isZero();
    }

    @Test
    void paho_311_sending_40_or_200_unacknowledged_qos1_messages_gets_every_puback_and_nothing_is_duplicated() {
        Peers.assumePaho();
        broker = TestBroker.local(dir, "sys-interval: off");
        GroupCommitForwarder forwarder = new GroupCommitForwarder();
        closeAtEnd.add(forwarder);
        broker.broker.addForwarder(forwarder);
        Map<String, AtomicInteger> delivered = subscribe("burst/#");
        int total = 0;
        for (int count : new int[] {40, 200}) {
            String topic = "burst/" + count;
            Peers.Result r = Peers.run(List.of(Peers.PYTHON, Path.of("src/test/python/paho_burst.py").toAbsolutePath()
                    .toString(), "--port", Integer.toString(broker.port()), "--id", "paho-" + count, "--topic", topic,
                    "--count", Integer.toString(count)), Duration.ofSeconds(60));
            assertThat(r.output()).as("paho's account").contains("ACKED " + count, "DISCONNECTS 0");
            assertThat(r.exitCode()).isZero();
            total += count;
        }
        int expected = total;
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered.values().stream().mapToInt(AtomicInteger::get).sum() >= expected);
        assertThat(forwarder.seen).as("each message forwarded once").hasSize(expected).doesNotHaveDuplicates();
        assertThat(delivered).hasSize(expected);
        assertThat(counts(delivered)).allSatisfy((k, v) -> assertThat(v).as("deliveries of %s", k).isEqualTo(1));
        assertThat(counter("outpost.broker.read.pauses")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void a_subscriber_that_falls_behind_slows_its_network_publisher_instead_of_overflowing_its_queue() throws Exception {
        broker = TestBroker.local(dir, """
                limits: {max-queued-bytes: 512KB}
                sys-interval: off
                """);
        RawClient sub = RawClient.connected(broker.port(), MqttVersion.MQTT_3_1_1, "slow-sub", true, null);
        closeAtEnd.add(sub);
        sub.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, "load/#").build());
        sub.expect(MqttMessageType.SUBACK);
        int total = 3_000;
        Map<String, Integer> received = new ConcurrentHashMap<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        // A subscriber slower than the publisher: it acknowledges 10 messages, then pauses 2 ms (its pace is the
        // scenario, not a wait for a condition).
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            int n = 0;
            while (reading.get()) {
                MqttMessage m = sub.next(Duration.ofMillis(200));
                if (m instanceof MqttPublishMessage p) {
                    ByteBuf b = p.payload();
                    String text = b.toString(StandardCharsets.UTF_8);
                    received.merge(text.substring(0, text.indexOf(':')), 1, Integer::sum);
                    sub.send(MqttMessageBuilders.pubAck().packetId(p.variableHeader().packetId()).build());
                    p.release();
                    if (++n % 10 == 0) {
                        sleepQuietly(2);
                    }
                }
            }
        });
        Mqtt3AsyncClient pub = Clients.builder3(broker.port(), "fast-pub").buildAsync();
        pub.connect().join();
        closeAtEnd.add(() -> pub.disconnect().join());
        String padding = "x".repeat(1_000);
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            sent.add(pub.publishWith().topic("load/x").qos(MqttQos.AT_LEAST_ONCE)
                    .payload((i + ":" + padding).getBytes(StandardCharsets.UTF_8)).send());
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == total);
        reading.set(false);
        reader.get(10, TimeUnit.SECONDS);

        assertThat(received.values()).as("deliveries per message").allMatch(v -> v == 1);
        assertThat(counter("outpost.broker.dropped", "reason", "queue-full")).isZero();
        assertThat(counter("outpost.broker.slow.disconnects")).isZero();
        assertThat(counter("outpost.broker.read.pauses")).isGreaterThanOrEqualTo(1);
        assertThat(counter("outpost.broker.connections.closed", "reason", "connection-lost")).isZero();
    }

    @Test
    void a_stalled_subscriber_holds_its_publisher_back_only_briefly_then_is_closed_as_slow_counted_and_logged_once()
            throws Exception {
        broker = TestBroker.local(dir, """
                limits: {max-queued-bytes: 512KB}
                sys-interval: off
                """);
        Logger log = (Logger) LoggerFactory.getLogger("io.outpost.mqtt.internal.broker.protocol.MqttConnection");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        closeAtEnd.add(() -> log.detachAppender(lines));
        Socket stalled = stalledSubscriber("stalled-1");
        closeAtEnd.add(stalled);
        Mqtt3AsyncClient pub = Clients.builder3(broker.port(), "plc-2").buildAsync();
        pub.connect().join();
        closeAtEnd.add(() -> pub.disconnect().join());
        byte[] payload = new byte[1_000];
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            sent.add(pub.publishWith().topic("flood/x").qos(MqttQos.AT_LEAST_ONCE).payload(payload).send());
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(30)).until(() -> counter("outpost.broker.connections.closed", "reason", "slow-subscriber") == 1);
        assertThat(counter("outpost.broker.read.pauses")).as("the publisher was slowed first").isGreaterThanOrEqualTo(1);
        assertThat(counter("outpost.broker.slow.disconnects")).isEqualTo(1);
        assertThat(pub.getState().isConnected()).as("the publisher is never disconnected").isTrue();
        assertThat(lines.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(l -> l.contains("stalled-1")).toList())
                .singleElement().asString().contains("connection closed by the broker: slow-subscriber");
    }

    /** A 3.1.1 client that connects, subscribes to flood/# with QoS 1 and then never reads again. */
    private Socket stalledSubscriber(String id) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5_000);
        OutputStream out = s.getOutputStream();
        byte[] cid = id.getBytes(StandardCharsets.US_ASCII);
        byte[] connect = new byte[14 + cid.length];
        System.arraycopy(new byte[] {0x10, (byte) (12 + cid.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0,
            (byte) cid.length}, 0, connect, 0, 14);
        System.arraycopy(cid, 0, connect, 14, cid.length);
        out.write(connect);
        out.write(new byte[] {(byte) 0x82, 12, 0, 1, 0, 7, 'f', 'l', 'o', 'o', 'd', '/', '#', 1});
        out.flush();
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] acks = new byte[4 + 5];
        in.readFully(acks);
        assertThat(acks[0]).as("CONNACK").isEqualTo((byte) 0x20);
        assertThat(acks[4]).as("SUBACK").isEqualTo((byte) 0x90);
        return s;
    }

    private static void sleepQuietly(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
