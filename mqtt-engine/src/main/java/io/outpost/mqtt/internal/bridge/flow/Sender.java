package io.outpost.mqtt.internal.bridge.flow;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.outpost.core.message.Message;
import io.outpost.mqtt.bridge.config.MqttProtocol;
import io.outpost.mqtt.bridge.config.UpstreamConfig;
import io.outpost.mqtt.internal.bridge.batch.Packer;
import io.outpost.mqtt.internal.bridge.budget.ByteBudget;
import io.outpost.mqtt.internal.bridge.client.MqttPackets;
import io.outpost.mqtt.internal.bridge.client.ReasonCodes;
import io.outpost.mqtt.internal.bridge.client.UpstreamConnection;
import io.outpost.mqtt.internal.bridge.flow.InflightTable.Entry;
import io.outpost.mqtt.internal.bridge.flow.InflightTable.Phase;
import io.outpost.mqtt.internal.bridge.store.MessageStore;
import io.outpost.mqtt.internal.bridge.store.Qos2Mark;
import io.outpost.mqtt.internal.bridge.store.Removal;
import io.outpost.mqtt.internal.bridge.store.StoreClass;
import io.outpost.mqtt.internal.bridge.store.StoreCursor;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves queued messages from the store to the upstream: in-flight handshakes first (in the order they were sent),
 * then new messages class by class (weighted by priority, oldest first within a class, so per-topic order holds).
 * While a class replays a backlog, live records of topics without backlog overtake it (a {@link LiveLane}); when
 * both wait, the backlog gets {@code replay-share} of the bytes sent. A byte budget running low thins telemetry and,
 * used up, holds every class it does not keep.
 * Honours the upstream's Receive Maximum, Maximum Packet Size, Maximum QoS and Retain Available, the configured
 * window and rate limit; writes a QoS 2 message's handshake state to the store before the packet that depends on
 * it; removes a message from the store only on PUBACK / PUBCOMP (or once a QoS 0 message is written). Declares the
 * link stalled when acknowledgements stop.
 *
 * <p>Confined to the upstream's thread ({@code loop}); store stages and connection events hop onto it.
 */
public final class Sender {

    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    private static final int BATCH = 256;

    /** What the sender tells the upstream's metrics; called on the upstream's thread. */
    public interface Events {
        /**
         * A message went out for the first time; {@code replay} when it was queued before the link came up;
         * {@code pointUpdates} the point updates it carries (a batch carries many).
         */
        void sent(boolean replay, long bytes, int pointUpdates);

        void acknowledged();

        /** The link is stalled: the connection must be closed (and is then reconnected). */
        void stalled(String why);

        /**
         * An acknowledgement ended a wait for the upstream that began at {@code sinceNanos} (the first message went
         * out, or the previous acknowledgement came): one sample of the link's response time. {@code bytes}: the
         * size of the acknowledged message.
         */
        void answered(long sinceNanos, long nowNanos, long bytes);

        /**
         * How long the link may stay without an acknowledgement while messages are in flight (or take no data)
         * before it counts as stalled; {@code bytesAhead}: the size of the oldest unacknowledged message.
         */
        long stallTimeoutNanos(long bytesAhead);
    }

    private final String name;
    private final UpstreamConfig config;
    private final MessageStore store;
    private final Clock clock;
    private final ScheduledExecutorService loop;
    private final Events events;
    private final InflightTable inflight = new InflightTable();
    private final ArrayDeque<Entry> resends = new ArrayDeque<>();
    private final UpstreamOutbox outbox;
    private final StoreCursor[] cursors;
    private final ClassScheduler scheduler;
    private final TokenBucket bucket;
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    private final long maxAgeMillis;
    private final Packer packer;
    private final BatchAssembler batches = new BatchAssembler();
    private final ReplayLanes lanes;
    private final ByteBudget budget;

    private UpstreamConnection connection;
    private long generation;
    private boolean v5;
    private int window;
    private long maxPacket;
    private int maxQos = 2;
    private boolean retainAvailable = true;
    /** Nothing new goes out (a Sparkplug upstream before its birth, or while its primary host is offline). */
    private boolean held;
    private int unackedOnWire;
    private ScheduledFuture<?> wakeup;
    private long lastProgressNanos;
    private long unwritableSinceNanos = -1;

    /** @param budget the upstream's byte budget, or null for none */
    public Sender(UpstreamConfig config, MessageStore store, Clock clock, ScheduledExecutorService loop, Events events,
                  Packer packer, ByteBudget budget) {
        this.name = config.name();
        this.budget = budget;
        this.packer = packer;
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.loop = loop;
        this.events = events;
        this.maxAgeMillis = config.store().maxAge() == null ? 0 : config.store().maxAge().toMillis();
        List<StoreClass> classes = store.classes();
        this.cursors = new StoreCursor[classes.size()];
        int[] weights = new int[classes.size()];
        for (int i = 0; i < cursors.length; i++) {
            cursors[i] = store.cursor(i);
            weights[i] = classes.get(i).adopted() ? 1 : classes.get(i).priority();
        }
        this.scheduler = new ClassScheduler(weights);
        this.lanes = new ReplayLanes(store, cursors, config.uplink().replayShare(), budget);
        this.bucket = new TokenBucket(config.rateLimit(), System.nanoTime());
        this.outbox = new UpstreamOutbox(name, store, inflight, loop, clock, packer);
        recoverHandshakes(store.recoveredHandshakes());
    }

    /** Resumes the QoS 2 handshakes of the last run; records of one batch share a packet id and go out together again. */
    private void recoverHandshakes(List<MessageStore.Handshake> handshakes) {
        java.util.Map<Integer, List<MessageStore.Handshake>> byPacket = new java.util.LinkedHashMap<>();
        for (MessageStore.Handshake h : handshakes) {
            byPacket.computeIfAbsent(h.mark().packetId(), k -> new ArrayList<>()).add(h);
        }
        for (List<MessageStore.Handshake> group : byPacket.values()) {
            MessageStore.Handshake first = group.get(0);
            List<StoredRecord> records = group.stream().map(MessageStore.Handshake::record).toList();
            StoredRecord m = first.record();
            boolean packed = m.packing() != null;
            Message wire = packed ? packer.pack(records, true) : m.wire();
            Entry e = new Entry(records, wire, packed ? null : first.record().messageId(), first.mark().packetId(), 2,
                    wire.retain());
            e.phase = first.mark().released() ? Phase.RELEASED : Phase.PUBLISHED;
            e.history = true;
            e.marked = true;
            e.sentBefore = true;
            inflight.put(e);
        }
    }

    // ------------------------------------------------------------------ link events

    /** A connection came up (CONNACK accepted): resume every handshake, then carry on with the queue. */
    public void connected(UpstreamConnection c) {
        connection = c;
        generation++;
        v5 = config.protocol() == MqttProtocol.V5;
        window = Math.min(config.inflightWindow(), Math.max(1, c.connAck().receiveMaximum()));
        maxPacket = c.connAck().maximumPacketSize();
        maxQos = c.connAck().maximumQos();
        retainAvailable = c.connAck().retainAvailable();
        lanes.liveFrom(clock.millis());
        lastProgressNanos = System.nanoTime();
        unwritableSinceNanos = -1;
        unackedOnWire = 0;
        resends.clear();
        outbox.clear();
        int restarted = 0;
        for (Entry e : inflight.inOrder()) {
            if (!c.connAck().sessionPresent() && e.qos == 2 && (e.sentBefore || e.phase == Phase.RELEASED)) {
                // The server forgot the handshake: only a new PUBLISH can still deliver the message.
                e.phase = Phase.PUBLISHED;
                e.marked = false;
                restarted++;
            }
            resends.add(e);
        }
        if (restarted > 0) {
            LOG.warn("upstream {}: {} kept no session for {}; {} QoS 2 message(s) whose handshake was under way are "
                    + "sent again as new messages and may arrive twice (their {} property tells)", name, c.server(),
                    config.clientId(), restarted, MqttPackets.MESSAGE_ID_PROPERTY);
        }
        if (maxQos < 2 && config.forward().stream().anyMatch(r -> r.qos() > maxQos)) {
            LOG.warn("upstream {}: {} accepts at most QoS {}; messages are sent with that QoS", name, c.server(), maxQos);
        }
        pump();
    }

    /** Sends nothing until {@link #release}: messages stay queued (a Sparkplug upstream waiting to be born). */
    public void hold() {
        held = true;
    }

    /** Sends again; records received before {@code liveFromMillis} go as history. */
    public void release(long liveFromMillis) {
        lanes.liveFrom(liveFromMillis);
        held = false;
        pump();
    }

    public void disconnected() {
        connection = null;
        lanes.close();
        outbox.clear();
        if (wakeup != null) {
            wakeup.cancel(false);
            wakeup = null;
        }
    }

    public void writability(boolean writable) {
        unwritableSinceNanos = writable ? -1 : System.nanoTime();
        if (writable) {
            pump();
        }
    }

    /** Acknowledgements: PUBACK, PUBREC, PUBCOMP. */
    public void packet(MqttMessage m) {
        int packetId = ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
        int reason = m.variableHeader() instanceof MqttPubReplyMessageVariableHeader r ? r.reasonCode() & 0xFF : 0;
        switch (m.fixedHeader().messageType()) {
            case PUBACK -> finished(packetId, 1, reason);
            case PUBCOMP -> finished(packetId, 2, 0);
            case PUBREC -> received(packetId, reason);
            default -> LOG.debug("upstream {}: ignoring {}", name, m.fixedHeader().messageType());
        }
    }

    private void finished(int packetId, int qos, int reason) {
        Entry e = inflight.get(packetId);
        if (e == null || e.qos != qos) {
            LOG.debug("upstream {}: acknowledgement for packet id {} that is not in flight", name, packetId);
            return;
        }
        inflight.remove(packetId);
        if (e.connection == generation) {
            unackedOnWire--;
        }
        if (reason >= 0x80) {
            LOG.warn("upstream {}: {} refused the message on {} ({}); it is dropped", name, connection, e.message.topic(),
                    ReasonCodes.describe(reason));
        }
        for (StoredRecord r : e.records) {
            store.remove(r.ref(), reason >= 0x80 ? Removal.REFUSED : Removal.ACKED);
        }
        events.acknowledged();
        long now = System.nanoTime();
        events.answered(lastProgressNanos, now, wireBytes(e));
        lastProgressNanos = now;
        // Acknowledgements come in bursts: fill the freed window once after the burst, not once per packet.
        requestPump();
    }

    private void received(int packetId, int reason) {
        Entry e = inflight.get(packetId);
        if (e == null) {
            // A PUBREC for a handshake this gateway finished: PUBREL lets the server free the packet id.
            if (connection != null) {
                connection.send(List.of(MqttPackets.pubRel(packetId, v5)), null);
            }
            return;
        }
        if (e.qos != 2) {
            return;
        }
        long now = System.nanoTime();
        events.answered(lastProgressNanos, now, wireBytes(e));
        lastProgressNanos = now;
        if (reason >= 0x80) {
            finished(packetId, 2, reason);
            return;
        }
        if (e.phase == Phase.PUBLISHED) {
            e.phase = Phase.RELEASED;
            e.marked = false;
        }
        resends.add(e);
        requestPump();
    }

    // ------------------------------------------------------------------ sending

    /** Asks for a pump on the upstream's thread; any thread, coalesced. */
    public void requestPump() {
        if (pumpQueued.compareAndSet(false, true)) {
            loop.execute(() -> {
                pumpQueued.set(false);
                pump();
            });
        }
    }

    /** Sends what the window, the rate limit and the connection allow. */
    public void pump() {
        UpstreamConnection c = connection;
        if (c == null || !c.isWritable() || held) {
            return;
        }
        lanes.newRound();
        List<Entry> entries = new ArrayList<>();
        List<Qos2Mark> marks = new ArrayList<>();
        boolean wasWaiting = unackedOnWire > 0;
        try {
            takeResends(entries, marks);
            if (resends.isEmpty()) {
                takeNew(entries, marks);
            }
        } catch (UncheckedIOException e) {
            LOG.error("upstream {}: cannot read the queue: {}; retrying in a second", name, e.getMessage());
            scheduleWake(TimeUnit.SECONDS.toNanos(1));
        }
        if (entries.isEmpty()) {
            return;
        }
        if (!wasWaiting && unackedOnWire > 0) {
            lastProgressNanos = System.nanoTime();
        }
        outbox.send(c, v5, entries, marks);
        if (entries.size() >= BATCH) {
            // More may be waiting and nothing else (no acknowledgement for QoS 0) would come back for it.
            requestPump();
        }
    }

    private void takeResends(List<Entry> batch, List<Qos2Mark> marks) {
        while (!resends.isEmpty() && batch.size() < BATCH) {
            Entry e = resends.peekFirst();
            if (!inflight.contains(e)) {
                resends.pollFirst();
                continue;
            }
            if (e.qos > 0 && e.phase == Phase.PUBLISHED) {
                if (unackedOnWire >= window) {
                    return;
                }
                e.connection = generation;
                unackedOnWire++;
            }
            resends.pollFirst();
            add(e, batch, marks);
        }
    }

    private void takeNew(List<Entry> batch, List<Qos2Mark> marks) {
        long now = clock.millis();
        while (batch.size() < BATCH) {
            if (!emitReady(batch, marks)) {
                return;
            }
            // Records received after the link came up are live, the others history (see ReplayLanes).
            boolean historyTurn = lanes.historyTurn();
            int ci = -1;
            boolean history = historyTurn;
            boolean contested = true;
            for (int pass = 0; pass < 2 && ci < 0; pass++) {
                history = (pass == 0) == historyTurn;
                boolean wantHistory = history;
                ci = scheduler.next(i -> lanes.head(i, wantHistory) != null);
                contested = pass == 0 && ci >= 0 && scheduler.hasAny(i -> lanes.head(i, !wantHistory) != null);
            }
            if (ci < 0) {
                // Nothing more to read for now: batches whose delay is over go; the others wait for it.
                batches.closeDue(now);
                if (emitReady(batch, marks)) {
                    long next = batches.nextDeadline();
                    if (next != Long.MAX_VALUE) {
                        scheduleWake(TimeUnit.MILLISECONDS.toNanos(Math.max(1, next - now)));
                    }
                }
                if (lanes.scanning()) {
                    requestPump();
                }
                return;
            }
            StoreCursor src = lanes.source(ci, history);
            StoredRecord r = src.peek();
            StoredRecord m = r;
            if (m.expiresAtMillis() <= now) {
                drop(src, r, Removal.EXPIRED);
                continue;
            }
            if (maxAgeMillis > 0 && m.receivedAtMillis() < now - maxAgeMillis) {
                drop(src, r, Removal.MAX_AGE);
                continue;
            }
            if (budget != null && budget.thins(m)) {
                drop(src, r, Removal.THINNED);
                continue;
            }
            int qos = Math.min(m.qos(), maxQos);
            boolean replay = m.receivedAtMillis() < lanes.liveFromMillis();
            if (m.packing() != null && m.packing().format().batches()) {
                if (batches.full()) {
                    // Bounded read-ahead: the oldest batch goes (at the loop's head, window permitting) first.
                    if (!batches.closeOldest()) {
                        return;
                    }
                    continue;
                }
                src.advance();
                if (store.take(r.ref())) {
                    taken(m, history, contested);
                    batches.add(r, qos, replay, batchLimit(m));
                }
                continue;
            }
            if (qos > 0 && unackedOnWire >= window) {
                return;
            }
            String id = r.messageId();
            Message wire = m.packing() == null ? m.wire() : packer.pack(List.of(r), replay);
            long size = MqttPackets.publishSize(wire, id, qos, v5);
            if (maxPacket > 0 && size > maxPacket) {
                LOG.warn("upstream {}: a message of {} bytes on {} is larger than the server's maximum packet size "
                        + "({} bytes); it is dropped", name, size, m.topic(), maxPacket);
                drop(src, r, Removal.TOO_LARGE);
                continue;
            }
            long wait = bucket.take(size, System.nanoTime());
            if (wait > 0) {
                scheduleWake(wait);
                return;
            }
            src.advance();
            if (!store.take(r.ref())) {
                continue;
            }
            taken(m, history, contested);
            Entry e = inflight.add(List.of(r), wire, id, qos, m.retain() && retainAvailable);
            e.history = replay;
            if (qos > 0) {
                e.connection = generation;
                unackedOnWire++;
            }
            events.sent(replay, size, m.pointUpdates());
            add(e, batch, marks);
        }
    }

    /** A batch's size bound: its max-bytes, lowered to what the server accepts (with room for topic and header). */
    private int batchLimit(StoredRecord m) {
        int limit = m.packing().maxBytes();
        if (maxPacket > 0) {
            limit = (int) Math.max(64, Math.min(limit, maxPacket - 256 - 3L * m.topic().length()));
        }
        return limit;
    }

    /**
     * Sends ready batches while the window and the rate limit allow; false when one had to wait (then nothing more
     * is taken from the store this round).
     */
    private boolean emitReady(List<Entry> out, List<Qos2Mark> marks) {
        while (batches.hasReady() && out.size() < BATCH) {
            BatchAssembler.Batch b = batches.peekReady();
            int qos = b.key.qos();
            if (qos > 0 && unackedOnWire >= window) {
                return false;
            }
            Message wire = packer.pack(b.records, b.key.history());
            long size = MqttPackets.publishSize(wire, null, qos, v5);
            if (maxPacket > 0 && size > maxPacket) {
                batches.pollReady();
                if (b.records.size() > 1) {
                    batches.pushFront(split(b));
                    continue;
                }
                LOG.warn("upstream {}: one reading packed on {} takes {} bytes, more than the server's maximum packet "
                        + "size ({} bytes); it is dropped", name, wire.topic(), size, maxPacket);
                store.remove(b.records.get(0).ref(), Removal.TOO_LARGE);
                continue;
            }
            long wait = bucket.take(size, System.nanoTime());
            if (wait > 0) {
                scheduleWake(wait);
                return false;
            }
            batches.pollReady();
            Entry e = inflight.add(b.records, wire, null, qos, false);
            e.history = b.key.history();
            if (qos > 0) {
                e.connection = generation;
                unackedOnWire++;
            }
            events.sent(b.key.history(), size, e.pointUpdates());
            add(e, out, marks);
        }
        return !batches.hasReady();
    }

    /** A batch too large for the server, as two halves. */
    private static List<BatchAssembler.Batch> split(BatchAssembler.Batch b) {
        int half = b.records.size() / 2;
        BatchAssembler.Batch first = new BatchAssembler.Batch(b.key, b.deadlineMillis);
        BatchAssembler.Batch second = new BatchAssembler.Batch(b.key, b.deadlineMillis);
        first.records.addAll(b.records.subList(0, half));
        second.records.addAll(b.records.subList(half, b.records.size()));
        return List.of(first, second);
    }

    private static void add(Entry e, List<Entry> batch, List<Qos2Mark> marks) {
        batch.add(e);
        if (e.qos == 2 && !e.marked) {
            for (StoredRecord r : e.records) {
                marks.add(new Qos2Mark(r.ref(), e.packetId, e.phase == Phase.RELEASED));
            }
        }
    }

    /** A record taken for sending: counted for the replay share (when both kinds waited) and the budget's thinning. */
    private void taken(StoredRecord m, boolean history, boolean contested) {
        if (contested) {
            lanes.account(m, history);
        }
        if (budget != null) {
            budget.sending(m);
        }
    }

    private void drop(StoreCursor cursor, StoredRecord r, Removal why) {
        cursor.advance();
        if (store.take(r.ref())) {
            store.remove(r.ref(), why);
        }
    }

    /** Pumps again in {@code nanos} at the latest (a wake-up already due sooner is kept). */
    private void scheduleWake(long nanos) {
        if (wakeup != null && !wakeup.isDone()) {
            if (wakeup.getDelay(TimeUnit.NANOSECONDS) <= nanos) {
                return;
            }
            wakeup.cancel(false);
        }
        wakeup = loop.schedule(() -> {
            wakeup = null;
            pump();
        }, nanos, TimeUnit.NANOSECONDS);
    }

    // ------------------------------------------------------------------ health

    /**
     * Declares the link stalled (and closes it) when messages are in flight and no acknowledgement came for the
     * stall timeout, or when the connection took no data for that long without an acknowledgement either. The
     * timeout comes from {@link Events#stallTimeoutNanos} (measured response times, or the configured value).
     * Called periodically.
     */
    public void checkStall(long nowNanos) {
        UpstreamConnection c = connection;
        if (c == null) {
            return;
        }
        long waited = unackedOnWire > 0 ? nowNanos - lastProgressNanos : -1;
        long unwritable = unwritableSinceNanos < 0 ? -1 : nowNanos - Math.max(unwritableSinceNanos,
                unackedOnWire > 0 ? lastProgressNanos : Long.MIN_VALUE);
        long longest = Math.max(waited, unwritable);
        if (longest < 0 || longest <= events.stallTimeoutNanos(0)) {
            return;
        }
        long timeout = events.stallTimeoutNanos(oldestWireBytes());
        String why = null;
        if (waited > timeout) {
            why = "no acknowledgement for " + seconds(waited) + " s with " + unackedOnWire + " message(s) in flight";
        } else if (unwritable > timeout) {
            why = "the connection took no data for " + seconds(unwritable) + " s";
        }
        if (why != null) {
            LOG.warn("upstream {}: link to {} stalled: {} (stall timeout {} s); reconnecting", name, c.server(), why,
                    seconds(timeout));
            events.stalled(why);
        }
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }

    /** About the bytes of an entry's PUBLISH on the wire (topic, payload, a header's worth). */
    private static long wireBytes(Entry e) {
        return e.message.payload().length + e.message.topic().length() + 16L;
    }

    /** The wire size of the oldest message waiting for its acknowledgement on this connection. */
    private long oldestWireBytes() {
        for (Entry e : inflight.inOrder()) {
            if (e.qos > 0 && e.connection == generation && e.phase == Phase.PUBLISHED) {
                return wireBytes(e);
            }
        }
        return 0;
    }

    /** The packet ids in use, for other packets that need one (SUBSCRIBE). */
    public InflightTable packetIds() {
        return inflight;
    }

    /** QoS 1/2 messages waiting for an acknowledgement. */
    public int inflight() {
        return inflight.unacknowledged();
    }

    /** Receive time of the oldest message not yet delivered, or {@link Long#MAX_VALUE} when nothing waits. */
    public long oldestQueuedAt() {
        long oldest = Math.min(inflight.oldestReceivedAt(), batches.oldestReceivedAt());
        try {
            for (StoreCursor cursor : cursors) {
                StoredRecord head = cursor.peek();
                if (head != null) {
                    oldest = Math.min(oldest, head.message().receivedAtMillis());
                }
            }
        } catch (UncheckedIOException e) {
            LOG.debug("upstream {}: queue age unknown for now: {}", name, e.getMessage());
        }
        return oldest;
    }

    /** The send window in force (the configured one, lowered to the server's Receive Maximum). */
    public int window() {
        return connection == null ? config.inflightWindow() : window;
    }

    public void close() {
        lanes.close();
        for (StoreCursor c : cursors) {
            c.close();
        }
    }
}
