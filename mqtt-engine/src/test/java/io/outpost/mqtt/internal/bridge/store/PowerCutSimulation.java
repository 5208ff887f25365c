package io.outpost.mqtt.internal.bridge.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.outpost.core.message.Message;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;
import io.outpost.mqtt.api.TopicFilter;
import io.outpost.mqtt.bridge.config.PriorityClass;
import io.outpost.mqtt.bridge.config.PriorityClass.OverflowPolicy;
import io.outpost.mqtt.bridge.config.StoreConfig;
import io.outpost.mqtt.bridge.config.StoreConfig.SyncPolicy;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import io.outpost.mqtt.internal.bridge.testing.Readings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Drives the real {@link SegmentStore} through power cuts on {@link FaultyFiles}: per cycle it opens (recovers) the
 * store, checks what came back against what the store promised before the cut, then appends, takes, acknowledges
 * (QoS 1 removals, QoS 2 marks then removal) and rolls segments in a seeded random order, with the writer stepped on
 * this thread in simulated time, until the power goes at a seeded random file operation (sometimes during the
 * recovery itself). Everything is decided by the seed: a run is repeated exactly by its seed.
 *
 * <p>The promises checked after every recovery:
 * <ul>
 *   <li>an append whose stage completed is there (unless its removal was durable): <b>0 acknowledged messages lost</b>;
 *   <li>a message whose removal was durable (a later flush of the journal completed: a QoS 2 mark stage) is not;
 *   <li>a QoS 2 message whose PUBREC/PUBCOMP state was durable comes back as that handshake, never as a new message:
 *       <b>0 QoS 2 duplicates</b>;
 *   <li>nothing comes back that was never appended, nothing twice, and per topic in append order;
 *   <li>the store takes new appends.
 * </ul>
 */
final class PowerCutSimulation {

    private static final Path ROOT = Path.of("/sim");
    private static final Path DIR = ROOT.resolve("store");
    private static final String[] TOPICS = {"alarm/a", "alarm/b", "t/a", "t/b", "t/c"};
    private static final long GROUP_COMMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** What the test knows of one message. */
    private static final class Msg {
        final long id;
        final String topic;
        final int qos;
        boolean acked;
        boolean removed;
        long removedTick = -1;
        boolean removalDurable;
        /** QoS 2 state asked for and made durable: 0 none, 1 PUBLISH sent (PUBREC awaited), 2 released. */
        int markAsked;
        int markDurable;
        int packetId;
        /** What happened to it, for the failure message. */
        final List<String> history = new ArrayList<>();

        Msg(long id, String topic, int qos) {
            this.id = id;
            this.topic = topic;
            this.qos = qos;
        }
    }

    /** A stage the store owes, with what its completion proves. */
    private record Waiting(CompletableFuture<Void> stage, List<Msg> appended, Msg marked, int markState, long tick) {
    }

    private final long seed;
    private final Random random;
    private final FaultyFiles files = new FaultyFiles(ROOT);
    private final Map<Long, Msg> model = new LinkedHashMap<>();
    /** Messages that did not come back after a recovery: they must never come back. */
    private final Map<Long, Msg> gone = new HashMap<>();
    private final Map<Long, StoredRecord> taken = new HashMap<>();
    private final List<Waiting> waiting = new ArrayList<>();
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-05T07:00:00Z"), ZoneOffset.UTC);
    private final StoreConfig config;
    private long nanos = 1_000_000_000L;
    private final List<String> faults = new ArrayList<>();
    private long nextId;
    private long tick;
    private int nextPacketId = 1;
    private SegmentStore store;
    private StoreCursor[] cursors;
    /** Figures for the report of a run. */
    long cuts;
    long checkedMessages;

    PowerCutSimulation(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        List<PriorityClass> classes = List.of(
                new PriorityClass("alarms", List.of(TopicFilter.parse("alarm/#")), 10, OverflowPolicy.REJECT_NEW),
                new PriorityClass(PriorityClass.DEFAULT_NAME, List.of(), 1, OverflowPolicy.REJECT_NEW));
        // 1 MB: 64 KB segments, so a cycle rolls over a few times.
        this.config = new StoreConfig(1L << 20, null, random.nextInt(4) == 0 ? SyncPolicy.EVERY_MESSAGE
                : SyncPolicy.GROUP_COMMIT, Duration.ofNanos(GROUP_COMMIT_NANOS), classes);
    }

    long seed() {
        return seed;
    }

    /** Runs {@code n} cycles of open, check, work, power cut. */
    void run(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            cycle();
        }
    }

    private void cycle() throws IOException {
        if (random.nextInt(5) == 0) {
            // The power goes again while the store recovers (cutting torn tails, compacting the journal).
            files.cutAfter(random.nextInt(12));
        }
        while (true) {
            try {
                store = SegmentStore.open(files, DIR, "sim", config, StoreListener.NONE, clock,
                        PayloadFormats.standard(), () -> nanos);
                files.cutAfter(-1);
                break;
            } catch (IOException e) {
                assertThat(files.dead()).as("open failed without a power cut: %s", e).isTrue();
                cut();
            }
        }
        cursors = new StoreCursor[store.classes().size()];
        for (int i = 0; i < cursors.length; i++) {
            cursors[i] = store.cursor(i);
        }
        checkRecovered();
        acceptsNewWrites();
        files.cutAfter(random.nextInt(600));
        if (random.nextInt(8) == 0) {
            // A disk that fills up or fails now and then: refusals, never losses.
            if (random.nextBoolean()) {
                long room = random.nextInt(200_000);
                files.capacity(files.usedBytes() + room);
                faults.add("cycle " + cuts + ": disk full after " + room + " more bytes");
            } else {
                int n = 1 + random.nextInt(2);
                files.failForces(n);
                faults.add("cycle " + cuts + ": the next " + n + " flushes fail (op " + files.changingOps() + ")");
            }
        }
        int steps = 20 + random.nextInt(200);
        for (int s = 0; s < steps && !files.dead(); s++) {
            step();
        }
        for (StoreCursor c : cursors) {
            c.close();
        }
        store.close();
        settle();
        cut();
    }

    private void cut() {
        FaultyFiles.CutMode[] modes = FaultyFiles.CutMode.values();
        FaultyFiles.CutMode mode = modes[random.nextInt(modes.length)];
        for (Msg m : model.values()) {
            m.history.add("power cut " + cuts + " (" + mode + ") at op " + files.changingOps());
        }
        files.powerCut(random, mode);
        cuts++;
    }

    // ------------------------------------------------------------------ work

    private void step() {
        int action = random.nextInt(100);
        if (action < 20) {
            append(1 + random.nextInt(4));
        } else if (action < 30) {
            appendReadings(1 + random.nextInt(12));
        } else if (action < 45) {
            take();
        } else if (action < 65) {
            acknowledge();
        } else if (action < 70) {
            // A flush barrier: completes once every removal made before it is durable.
            waiting.add(new Waiting(store.mark(List.of()), List.of(), null, 0, tick++));
        }
        if (random.nextInt(3) > 0) {
            nanos += random.nextInt((int) (GROUP_COMMIT_NANOS * 3 / 2));
            store.stepWriter();
        }
        settle();
    }

    /** A poll's readings of one device as one append: one record of a few bytes per reading. */
    private void appendReadings(int n) {
        List<Queued> batch = new ArrayList<>();
        List<Msg> msgs = new ArrayList<>();
        String site = random.nextBoolean() ? "alarm" : "t";
        int qos = 1 + random.nextInt(2);
        for (int i = 0; i < n; i++) {
            String point = "p" + random.nextInt(6);
            Msg m = new Msg(nextId++, site + "/rtu/" + point, qos);
            Message reading = Readings.reading(site, "rtu", point, Value.of(m.id), DataType.INT64, clock.millis());
            batch.add(Queued.reading(config.classOf(m.topic), reading, "cloud/" + m.topic, qos, null));
            msgs.add(m);
            model.put(m.id, m);
            m.history.add("cut " + cuts + ": appended as a reading (qos " + qos + ", op " + files.changingOps() + ")");
        }
        waiting.add(new Waiting(store.append(Queued.batch(store, batch)), msgs, null, 0, tick++));
    }

    private void append(int n) {
        List<Queued> batch = new ArrayList<>();
        List<Msg> msgs = new ArrayList<>();
        String topic = TOPICS[random.nextInt(TOPICS.length)];
        for (int i = 0; i < n; i++) {
            Msg m = new Msg(nextId++, random.nextInt(3) == 0 ? TOPICS[random.nextInt(TOPICS.length)] : topic,
                    1 + random.nextInt(2));
            byte[] payload = (m.id + ":" + "x".repeat(random.nextInt(random.nextInt(10) == 0 ? 6000 : 300)))
                    .getBytes(StandardCharsets.UTF_8);
            batch.add(Queued.of(config.classOf(m.topic), m.topic, payload, m.qos, clock.millis()));
            msgs.add(m);
            model.put(m.id, m);
            m.history.add("cut " + cuts + ": appended (qos " + m.qos + ", " + payload.length + " bytes, op "
                    + files.changingOps() + ")");
        }
        waiting.add(new Waiting(store.append(Queued.batch(store, batch)), msgs, null, 0, tick++));
    }

    private void take() {
        StoreCursor c = cursors[random.nextInt(cursors.length)];
        int n = 1 + random.nextInt(20);
        try {
            for (int i = 0; i < n; i++) {
                StoredRecord r = c.peek();
                if (r == null) {
                    return;
                }
                c.advance();
                long id = id(r);
                assertThat(store.take(r.ref())).as("take of message %d", id).isTrue();
                assertThat(taken.put(id, r)).as("message %d handed out twice", id).isNull();
                trace(id, "taken at " + r.ref());
            }
        } catch (UncheckedIOException e) {
            // The disk failed under the cursor (a fault or the power cut): it stays where it was.
            return;
        }
    }

    private void acknowledge() {
        if (taken.isEmpty()) {
            return;
        }
        List<Long> ids = new ArrayList<>(taken.keySet());
        ids.sort(null);
        int n = 1 + random.nextInt(Math.min(8, ids.size()));
        for (int i = 0; i < n; i++) {
            // Mostly in order, as acknowledgements come.
            long id = ids.get(random.nextInt(4) == 0 ? random.nextInt(ids.size()) : Math.min(i, ids.size() - 1));
            StoredRecord r = taken.get(id);
            Msg m = model.get(id);
            if (r == null || m == null) {
                continue;
            }
            if (m.qos == 1 || m.markDurable == 2) {
                // PUBACK, or PUBCOMP after the release was durable.
                store.remove(r.ref(), Removal.ACKED);
                trace(id, "removed, tick " + tick);
                taken.remove(id);
                m.removed = true;
                m.removedTick = tick++;
            } else if (m.markAsked == m.markDurable) {
                // Sent once its SENT mark is durable; PUBREC makes it RELEASED.
                if (m.markDurable == 0) {
                    m.packetId = nextPacketId++ & 0xFFFF;
                    if (m.packetId == 0) {
                        m.packetId = nextPacketId++;
                    }
                }
                int state = m.markDurable + 1;
                m.markAsked = state;
                trace(id, "mark " + state + " asked, tick " + tick);
                waiting.add(new Waiting(store.mark(List.of(new Qos2Mark(r.ref(), m.packetId, state == 2))), List.of(),
                        m, state, tick++));
            }
        }
    }

    /** Takes in what the store completed: appends acknowledged, marks and removals durable. */
    private void settle() {
        for (var it = waiting.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (!w.stage().isDone()) {
                continue;
            }
            it.remove();
            if (w.stage().isCompletedExceptionally()) {
                if (w.marked() != null && w.marked().markAsked == w.markState()) {
                    // Refused: asked again later, as the sender would.
                    w.marked().markAsked = w.marked().markDurable;
                }
                continue;
            }
            for (Msg m : w.appended()) {
                m.acked = true;
                trace(m.id, "append acknowledged (op " + files.changingOps() + ")");
            }
            if (w.marked() != null) {
                w.marked().markDurable = Math.max(w.marked().markDurable, w.markState());
                trace(w.marked().id, "mark " + w.markState() + " durable");
            }
            if (w.appended().isEmpty()) {
                // A flushed journal: every removal made before the mark was asked for is durable.
                for (Msg m : model.values()) {
                    if (m.removed && m.removedTick < w.tick()) {
                        m.removalDurable = true;
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ checks

    private void checkRecovered() {
        waiting.clear();
        taken.clear();
        Map<Long, MessageStore.Handshake> handshakes = new LinkedHashMap<>();
        for (MessageStore.Handshake h : store.recoveredHandshakes()) {
            long id = id(h.record());
            assertThat(handshakes.put(id, h)).as(at("handshake of message %d twice"), id).isNull();
        }
        Map<Long, StoredRecord> queued = new LinkedHashMap<>();
        Map<String, Long> lastPerTopic = new HashMap<>();
        for (StoreCursor c : cursors) {
            StoredRecord r;
            while ((r = c.peek()) != null) {
                c.advance();
                long id = id(r);
                assertThat(store.take(r.ref())).isTrue();
                assertThat(queued.put(id, r)).as(at("message %d queued twice"), id).isNull();
                assertThat(handshakes).as(at("message %d both queued and a handshake"), id).doesNotContainKey(id);
                Long before = lastPerTopic.put(r.topic(), id);
                assertThat(before == null || before < id).as(at("message %d after %d on %s"), id, before, r.topic())
                        .isTrue();
            }
        }
        for (long id : handshakes.keySet()) {
            assertThat(gone).as(at("handshake of a message gone before: %s"), gone.containsKey(id)
                    ? history(gone.get(id)) : "").doesNotContainKey(id);
            assertThat(model).as(at("handshake of a message never appended: %d"), id).containsKey(id);
        }
        for (long id : queued.keySet()) {
            assertThat(gone).as(at("a message gone before came back: %s"), gone.containsKey(id)
                    ? history(gone.get(id)) : "").doesNotContainKey(id);
            assertThat(model).as(at("a message never appended came back: %d"), id).containsKey(id);
        }
        for (Msg m : List.copyOf(model.values())) {
            boolean back = queued.containsKey(m.id) || handshakes.containsKey(m.id);
            if (m.removalDurable) {
                assertThat(back).as(at("message came back although its removal was durable: %s"), history(m)).isFalse();
            } else if (m.acked && !m.removed) {
                // (A removal not known to be durable may or may not have reached the disk: either is right.)
                assertThat(back).as(at("acknowledged message lost: %s"), history(m)).isTrue();
            }
            if (m.qos == 2 && m.markDurable > 0 && !m.removalDurable) {
                assertThat(queued).as(at("QoS 2 message with durable state %d handed out as new: %s"),
                        m.markDurable, history(m)).doesNotContainKey(m.id);
                MessageStore.Handshake h = handshakes.get(m.id);
                if (!m.removed) {
                    assertThat(h).as(at("QoS 2 message lost its handshake: %s"), history(m)).isNotNull();
                }
                if (h != null) {
                    assertThat(h.mark().packetId()).isEqualTo(m.packetId);
                    if (m.markDurable == 2) {
                        assertThat(h.mark().released()).as(at("QoS 2 message forgot its release: %s"), history(m))
                                .isTrue();
                    }
                }
            }
            checkedMessages++;
            m.history.add("cut " + cuts + ": " + (back ? "back" : "gone") + " after recovery");
            if (!back) {
                model.remove(m.id);
                gone.put(m.id, m);
                continue;
            }
            // What came back is durable now and in flight again (taken), in the state it came back in.
            m.acked = true;
            m.removed = false;
            m.removalDurable = false;
            m.removedTick = -1;
            MessageStore.Handshake h = handshakes.get(m.id);
            m.markDurable = h == null ? 0 : h.mark().released() ? 2 : 1;
            m.markAsked = m.markDurable;
            if (h != null) {
                m.packetId = h.mark().packetId();
            }
            taken.put(m.id, h != null ? h.record() : queued.get(m.id));
        }
    }

    private void acceptsNewWrites() {
        Msg m = new Msg(nextId++, "t/a", 1);
        model.put(m.id, m);
        CompletableFuture<Void> done = store.append(Queued.of(config.classOf(m.topic), m.topic, m.id + ":new", 1,
                clock.millis()).batch(store));
        for (int i = 0; i < 3 && !done.isDone(); i++) {
            nanos += GROUP_COMMIT_NANOS;
            store.stepWriter();
        }
        assertThat(done).as(at("an append after recovery")).isCompleted();
        assertThat(done.isCompletedExceptionally()).as(at("an append after recovery failed: %s"), done).isFalse();
        m.acked = true;
    }

    private String at(String what) {
        return "seed " + seed + ", after cut " + cuts + " (faults: " + faults + "): " + what;
    }

    private void trace(long id, String event) {
        Msg m = model.get(id);
        if (m != null) {
            m.history.add("cut " + cuts + ": " + event + " (op " + files.changingOps() + ")");
        }
    }

    private String history(Msg m) {
        return "message " + m.id + " on " + m.topic + ": " + String.join("; ", m.history);
    }

    private static long id(StoredRecord r) {
        if (r.sample() != null) {
            return ((Value.Int) r.sample().value()).value();
        }
        String payload = new String(r.message().payload(), StandardCharsets.UTF_8);
        return Long.parseLong(payload.substring(0, payload.indexOf(':')));
    }
}
