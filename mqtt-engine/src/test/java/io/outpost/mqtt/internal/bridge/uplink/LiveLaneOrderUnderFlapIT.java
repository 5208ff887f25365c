package io.outpost.mqtt.internal.bridge.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.outpost.mqtt.internal.bridge.testing.BridgeHarness;
import io.outpost.mqtt.internal.bridge.testing.CloudClient;
import io.outpost.testing.Mosquitto;
import io.outpost.testing.link.LinkEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many link-ups with a backlog while messages keep arriving: every link-up opens live lanes over a backlog that is
 * still being appended to, which is where per-topic order is easiest to lose. Each topic's messages must first
 * arrive in the order they were published.
 */
class LiveLaneOrderUnderFlapIT {

    private static final int TOPICS = 8;
    private static final int MESSAGES = 40_000;

    @TempDir
    Path dir;

    @Test
    void first_arrivals_keep_their_order_per_topic_through_many_link_ups() throws Exception {
        try (Mosquitto cloud = BridgeHarness.cloud(dir.resolve("cloud"), "max_queued_messages 0");
             BridgeHarness h = new BridgeHarness(dir.resolve("data"));
             LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
             CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
            h.start("""
                    upstreams:
                      - name: cloud
                        servers: ["mqtt://127.0.0.1:%d"]
                        backoff: {initial: 100ms, max: 200ms}
                        rate-limit: 400KB/s
                        replay-share: 30%%
                        will: off
                        forward:
                          - {from: "north-field/#", to: "sites/{topic}", qos: 1}
                    """.formatted(link.port()));
            h.awaitConnected();
            link.flap(Duration.ofMillis(600), Duration.ofMillis(250));
            Semaphore window = new Semaphore(200);
            long start = System.nanoTime();
            for (long i = 0; i < MESSAGES; i++) {
                // About 2,000 a second, so that every outage leaves a backlog and every link-up meets new arrivals.
                long due = start + i * 500_000L;
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                window.acquire();
                h.local.publish("north-field/t" + (i % TOPICS), Long.toString(i), 1).toCompletableFuture()
                        .whenComplete((ok, err) -> window.release());
            }
            window.acquire(200);
            link.stopFlapping();
            link.up();
            await().atMost(Duration.ofMinutes(2)).until(() -> distinctArrivals(sub.received()) == MESSAGES);

            assertThat(link.connectionsAccepted()).as("link-ups").isGreaterThan(10);
            assertThat(disorders(sub.received())).as("first arrivals out of order").isEmpty();
        }
    }

    /**
     * The soak's start-up, many times over: two threads append (single QoS 1 and QoS 2 messages as a local client's,
     * and batches as the core's polls) while the first connection comes up over the backlog they made.
     */
    @Test
    void first_link_up_over_a_growing_backlog_keeps_order_per_topic() throws Exception {
        List<String> disorders = new ArrayList<>();
        for (int round = 0; round < 4 && disorders.isEmpty(); round++) {
            Path d = dir.resolve("round-" + round);
            try (Mosquitto cloud = BridgeHarness.cloud(d.resolve("cloud"), "max_queued_messages 0");
                 BridgeHarness h = new BridgeHarness(d.resolve("data"));
                 LinkEmulator link = LinkEmulator.start("127.0.0.1", cloud.port());
                 CloudClient sub = CloudClient.connect(cloud.port()).subscribe("sites/#", 1)) {
                link.down();
                h.start("""
                        upstreams:
                          - name: cloud
                            servers: ["mqtt://127.0.0.1:%d"]
                            backoff: {initial: 100ms, max: 100ms}
                            replay-share: 30%%
                            will: off
                            forward:
                              - {from: "q1/#", to: "sites/{topic}", qos: 1}
                              - {from: "q2/#", to: "sites/{topic}", qos: 2}
                        """.formatted(link.port()));
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
                Thread client = new Thread(() -> {
                    for (long n = 0; !stop.get(); n++) {
                        String topic = (n % 2 == 0 ? "q1" : "q2") + "/pub/t" + (n / 2) % 4;
                        h.local.publish(topic, Long.toString(n), (int) (n % 2) + 1);
                        sent.incrementAndGet();
                        java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                    }
                });
                Thread poller = new Thread(() -> {
                    for (long p = 0; !stop.get(); p++) {
                        List<io.outpost.core.message.Message> batch = new ArrayList<>();
                        long now = System.currentTimeMillis();
                        for (int k = 0; k < 50; k++) {
                            batch.add(io.outpost.core.message.Message.of("q1/dev" + p % 5 + "/p" + k,
                                    Long.toString(p).getBytes(java.nio.charset.StandardCharsets.UTF_8), 1, false,
                                    "gateway", now));
                        }
                        h.local.publishBatch(batch);
                        sent.addAndGet(50);
                        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
                    }
                });
                client.start();
                poller.start();
                // A backlog of a few hundred messages (a little more each round), then two seconds' worth more.
                long backlog = 200 + round * 50L;
                await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= backlog);
                link.up();
                await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= backlog + 6_000);
                stop.set(true);
                client.join();
                poller.join();
                await().atMost(Duration.ofMinutes(1)).until(() -> distinctArrivals(sub.received()) == sent.get());
                disorders.addAll(disorders(sub.received()));
            }
        }
        assertThat(disorders).as("first arrivals out of order").isEmpty();
    }

    /** Per topic, first arrivals whose number is below the one before (payloads count up per topic). */
    private static List<String> disorders(List<CloudClient.Received> got) {
        Map<String, Long> last = new HashMap<>();
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (CloudClient.Received r : got) {
            if (!seen.add(key(r))) {
                continue;
            }
            long n = Long.parseLong(r.payload());
            Long before = last.put(r.topic(), n);
            if (before != null && n < before) {
                out.add(r.topic() + ": " + n + " after " + before);
            }
        }
        return out;
    }

    /** Distinct (topic, payload) pairs: every message published once has its own. */
    private static long distinctArrivals(List<CloudClient.Received> got) {
        return got.stream().map(LiveLaneOrderUnderFlapIT::key).distinct().count();
    }

    private static String key(CloudClient.Received r) {
        return r.topic() + " " + r.payload();
    }
}
