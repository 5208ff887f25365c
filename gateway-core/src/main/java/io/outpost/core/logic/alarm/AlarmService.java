package io.outpost.core.logic.alarm;

import io.outpost.core.command.CommandRejectedException;
import io.outpost.core.config.AlarmRule;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.config.PointConfig;
import io.outpost.core.log.SafeText;
import io.outpost.core.logic.ReadingObserver;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.message.MessageSink;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import io.outpost.core.time.TaskScheduler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's alarms: follows every accepted reading of the points that have {@code alarms:}, runs each alarm's
 * state machine ({@link Alarm}), publishes a retained state per point and an event per transition, takes operators'
 * acknowledgements and shelves (MQTT commands on each point's alarm command topic, the console), and keeps the
 * states in the data directory across restarts.
 *
 * <p>Authorisation is the caller's: the broker checks a command's publisher against the ACL when the command
 * arrives (the alarm command topics are command topics, refused to clients that did not log in), the console
 * checks its user the same way at the moment of the click; {@link #act} records who it was told acted.
 *
 * <p>Threads: {@link #observe} runs on devices' serial executors, timers on the scheduler, commands on the engine's
 * threads; each point's alarms are locked while they change, so none of these blocks for long. The state file is
 * written on {@code saver} (one write at a time, coalesced), never on those threads.
 */
public final class AlarmService implements ReadingObserver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlarmService.class);
    private static final MessageProperties RESULT_PROPERTIES = MessageProperties.JSON;

    private final GatewayIdentity gateway;
    private final TaskScheduler scheduler;
    private final MessageSink sink;
    private final AlarmStateFile file;
    private final Executor saver;
    private final AtomicBoolean saveQueued = new AtomicBoolean();
    private volatile Map<PointRef, PointAlarmSet> points = Map.of();
    /** The same sets by device, then point id, for {@link #observe}: strings hash well, point refs do not. */
    private volatile Map<String, Map<String, PointAlarmSet>> byDevice = Map.of();
    private volatile Map<String, PointAlarmSet> byCommandTopic = Map.of();
    private volatile AlarmSettings settings = AlarmSettings.DEFAULTS;
    private Map<String, SavedAlarm> saved;

    /**
     * @param sink  where states, events and results go (the core's hand-over, so they are counted as pending)
     * @param saver runs the state file writes (a single thread in production; may block)
     */
    public AlarmService(GatewayIdentity gateway, TaskScheduler scheduler, MessageSink sink, AlarmStateFile file,
                        Executor saver) {
        this.gateway = gateway;
        this.scheduler = scheduler;
        this.sink = sink;
        this.file = file;
        this.saver = saver;
    }

    /**
     * Takes a (new) configuration: points that gained alarms start normal, or as the state file says on the first
     * call; alarms that stay keep their state; points that lost all their alarms get their retained state cleared.
     * Publishes every point's state. Call before readings flow, and after each reload.
     */
    public synchronized void configure(GatewayConfig config) {
        if (saved == null) {
            try {
                saved = file.load();
                if (!saved.isEmpty()) {
                    LOG.info("alarm states restored from {}: {} alarm(s) not normal", file.path(), saved.size());
                }
            } catch (IOException e) {
                LOG.error("cannot read {}; alarm states start from normal", file.path(), e);
                saved = Map.of();
            }
        }
        settings = config.section(AlarmsSection.KEY, AlarmSettings.class).orElse(AlarmSettings.DEFAULTS);
        Map<PointRef, PointAlarmSet> previous = points;
        Map<PointRef, PointAlarmSet> next = new LinkedHashMap<>();
        Map<String, PointAlarmSet> topics = new HashMap<>();
        for (DeviceConfig d : config.devices()) {
            for (PointConfig p : d.points()) {
                if (!d.enabled() || p.alarms().isEmpty()) {
                    continue;
                }
                PointAlarmSet set = build(p, previous.get(p.ref()));
                next.put(p.ref(), set);
                topics.put(set.commandTopic, set);
            }
        }
        // A HashMap, not Map.copyOf: point refs of a site hash close together (dev1/p1, dev1/p2...), which the
        // immutable map's linear probing turns into long probe chains (measured: 4 us per reading at 6,400 points).
        points = java.util.Collections.unmodifiableMap(next);
        Map<String, Map<String, PointAlarmSet>> devices = new HashMap<>();
        next.forEach((ref, set) -> devices.computeIfAbsent(ref.device(), d -> new HashMap<>()).put(ref.point(), set));
        byDevice = devices;
        byCommandTopic = java.util.Collections.unmodifiableMap(topics);
        long now = scheduler.clock().millis();
        List<Message> out = new ArrayList<>();
        for (PointAlarmSet old : previous.values()) {
            synchronized (old) {
                old.closed = true;
                old.timer.cancel();
            }
            if (!next.containsKey(old.point) || !next.get(old.point).stateTopic.equals(old.stateTopic)) {
                // An empty retained message removes the state of alarms that no longer exist.
                out.add(Message.of(new MessageHeader(old.stateTopic, 1, true, MessageProperties.JSON,
                        Message.ORIGIN_GATEWAY), new byte[0], now));
            }
        }
        for (PointAlarmSet set : next.values()) {
            synchronized (set) {
                out.add(stateMessage(set, now));
                reschedule(set);
            }
        }
        if (!out.isEmpty()) {
            sink.publish(out);
        }
        saved = Map.of();
        requestSave();
        LOG.info("alarms: {} point(s) with {} alarm(s)", next.size(),
                next.values().stream().mapToInt(s -> s.alarms.size()).sum());
    }

    private PointAlarmSet build(PointConfig p, PointAlarmSet running) {
        long nowNanos = scheduler.nanoTime();
        long nowMillis = scheduler.clock().millis();
        List<Alarm> alarms = new ArrayList<>();
        for (AlarmRule rule : p.alarms().rules()) {
            Alarm a = new Alarm(p.ref(), rule);
            String id = p.ref() + "/" + rule.name();
            Optional<SavedAlarm> kept = Optional.empty();
            if (running != null) {
                synchronized (running) {
                    // A running delay goes on only under the same rule (a changed delay starts again).
                    kept = running.alarm(rule.name()).map(r -> r.rule().equals(rule) ? r.saved(nowNanos, nowMillis)
                            : SavedAlarm.of(r.snapshot(), null));
                }
            } else if (saved.containsKey(id)) {
                kept = Optional.of(saved.get(id));
            }
            kept.ifPresent(k -> a.restore(k, nowNanos, nowMillis));
            alarms.add(a);
        }
        String topic = settings.topic().expand(Map.of("site", gateway.site(), "gateway", gateway.id(),
                "device", p.ref().device(), "point", p.ref().point()));
        return new PointAlarmSet(p.ref(), alarms, topic);
    }

    @Override
    public void observe(List<Sample> samples) {
        Map<String, Map<String, PointAlarmSet>> current = byDevice;
        if (current.isEmpty()) {
            return;
        }
        boolean changed = false;
        String deviceId = null;
        Map<String, PointAlarmSet> device = null;
        long nowNanos = 0;
        long nowMillis = -1;
        List<AlarmEvent> events = null;
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (!s.point().device().equals(deviceId)) {
                deviceId = s.point().device();
                device = current.get(deviceId);
            }
            PointAlarmSet set = device == null ? null : device.get(s.point().point());
            if (set == null) {
                continue;
            }
            if (nowMillis < 0) {
                // One poll is one instant: the clocks are read once per call, not per reading.
                nowNanos = scheduler.nanoTime();
                nowMillis = scheduler.clock().millis();
                events = new ArrayList<>(2);
            }
            synchronized (set) {
                if (set.closed) {
                    continue;
                }
                for (Alarm a : set.alarms) {
                    // A delay that starts or stops is saved too, so that it survives a restart.
                    changed |= a.observe(s, nowNanos, nowMillis, events);
                }
                if (!events.isEmpty()) {
                    changed |= announce(set, events, nowMillis);
                    events.clear();
                }
                reschedule(set, nowNanos, nowMillis);
            }
        }
        if (changed) {
            requestSave();
        }
    }

    private void onTimer(PointAlarmSet set) {
        boolean changed;
        synchronized (set) {
            if (set.closed) {
                return;
            }
            set.timerAtNanos = Long.MAX_VALUE;
            set.timer = io.outpost.core.time.Cancellable.NONE;
            long nowNanos = scheduler.nanoTime();
            long nowMillis = scheduler.clock().millis();
            List<AlarmEvent> events = new ArrayList<>(0);
            for (Alarm a : set.alarms) {
                a.tick(nowNanos, nowMillis, events);
            }
            changed = announce(set, events, nowMillis);
            reschedule(set, nowNanos, nowMillis);
        }
        if (changed) {
            requestSave();
        }
    }

    private void reschedule(PointAlarmSet set) {
        reschedule(set, scheduler.nanoTime(), scheduler.clock().millis());
    }

    /** Sets the point's one timer to the earliest deadline of its alarms. Under the set's lock. */
    private void reschedule(PointAlarmSet set, long nowNanos, long nowMillis) {
        long next = Long.MAX_VALUE;
        for (Alarm a : set.alarms) {
            next = Math.min(next, a.nextDeadlineNanos(nowNanos, nowMillis));
        }
        if (next == set.timerAtNanos) {
            return;
        }
        set.timer.cancel();
        set.timerAtNanos = next;
        set.timer = next == Long.MAX_VALUE ? io.outpost.core.time.Cancellable.NONE
                : scheduler.schedule(Math.max(0, next - nowNanos), () -> onTimer(set));
    }

    /** Publishes the events and the new state; under the set's lock so that a point's messages keep their order. */
    private boolean announce(PointAlarmSet set, List<AlarmEvent> events, long nowMillis) {
        if (events.isEmpty()) {
            return false;
        }
        List<Message> out = new ArrayList<>(events.size() + 1);
        for (AlarmEvent e : events) {
            log(e);
            out.add(Message.of(new MessageHeader(set.eventTopic, 1, false, MessageProperties.JSON,
                    Message.ORIGIN_GATEWAY), AlarmJson.event(e), nowMillis));
        }
        out.add(stateMessage(set, nowMillis));
        sink.publish(out);
        return true;
    }

    private static void log(AlarmEvent e) {
        AlarmSnapshot a = e.alarm();
        switch (e.kind()) {
            case ACTIVATED, CLEARED -> LOG.info("alarm {} {} ({} -> {}, value {}, {}): {}", a.id(), e.kind().wireName(),
                    e.previous().wireName(), a.status().wireName(), e.value(), a.rule().priority().wireName(),
                    SafeText.of(a.rule().message()));
            default -> LOG.info("alarm {} {} by {} ({} -> {}){}", a.id(), e.kind().wireName(), e.by(),
                    e.previous().wireName(), a.status().wireName(),
                    e.comment().isEmpty() ? "" : ": " + SafeText.of(e.comment()));
        }
    }

    private Message stateMessage(PointAlarmSet set, long nowMillis) {
        return Message.of(new MessageHeader(set.stateTopic, 1, true, MessageProperties.JSON, Message.ORIGIN_GATEWAY),
                AlarmJson.state(set.point, set.snapshots(), nowMillis), nowMillis);
    }

    /** Every alarm command topic, for the engine to subscribe to and to refuse to clients that did not log in. */
    public Set<String> commandTopics() {
        return byCommandTopic.keySet();
    }

    /** The alarm command topic of a point; empty when it has no alarms. */
    public Optional<String> commandTopic(PointRef point) {
        return Optional.ofNullable(points.get(point)).map(s -> s.commandTopic);
    }

    /**
     * A message on an alarm command topic, from a publisher the broker has already checked: acts and publishes the
     * result to {@code responseTopic} (with the correlation data) when given, else to {@code <topic>/result}.
     * Does nothing for a topic that is not an alarm command topic. Any thread; does not block.
     */
    public void handleCommand(String topic, byte[] payload, Actor actor, String responseTopic, byte[] correlation) {
        PointAlarmSet set = byCommandTopic.get(topic);
        if (set == null) {
            return;
        }
        AlarmCommand command = null;
        AlarmResult result;
        try {
            command = AlarmCommand.parse(payload);
            result = act(set.point, command, actor);
        } catch (CommandRejectedException e) {
            LOG.info("alarm command for {} from {} refused: {}", set.point, actor, SafeText.of(e.getMessage()));
            result = AlarmResult.refused(e.reason(), e.getMessage());
        }
        long now = scheduler.clock().millis();
        MessageProperties props = new MessageProperties(List.of(), null, "application/json", null, correlation, true);
        String to = responseTopic != null ? responseTopic : set.resultTopic;
        sink.publish(List.of(Message.of(new MessageHeader(to, 1, false, props, Message.ORIGIN_GATEWAY),
                AlarmJson.result(set.point, command, result, now), now)));
    }

    /**
     * Acknowledges, shelves or unshelves alarms of a point for {@code actor}, who the caller has checked may do so.
     * Any thread; does not block.
     */
    public AlarmResult act(PointRef point, AlarmCommand command, Actor actor) {
        PointAlarmSet set = points.get(point);
        if (set == null) {
            return AlarmResult.refused("unknown-point", "point " + point + " has no alarms");
        }
        AlarmResult result;
        synchronized (set) {
            if (set.closed) {
                return AlarmResult.refused("unknown-point", "point " + point + " has no alarms");
            }
            result = apply(set, command, actor);
            reschedule(set);
        }
        if (result.ok()) {
            requestSave();
        } else {
            LOG.info("alarm {} of {} by {} refused: {} ({})", command.action().wireName(), point, actor, result.error(),
                    result.message());
        }
        return result;
    }

    private AlarmResult apply(PointAlarmSet set, AlarmCommand command, Actor actor) {
        List<Alarm> targets;
        if (command.alarm() == null) {
            targets = set.alarms;
        } else {
            Optional<Alarm> one = set.alarm(command.alarm());
            if (one.isEmpty()) {
                return AlarmResult.refused("unknown-alarm", "point " + set.point + " has no alarm '"
                        + command.alarm() + "'; it has " + set.alarms.stream().map(a -> a.rule().name()).toList());
            }
            targets = List.of(one.get());
        }
        long now = scheduler.clock().millis();
        List<AlarmEvent> events = new ArrayList<>();
        List<String> done = new ArrayList<>();
        switch (command.action()) {
            case ACKNOWLEDGE -> {
                for (Alarm a : targets) {
                    if (a.acknowledge(actor, command.comment(), now, events)) {
                        done.add(a.rule().name());
                    }
                }
                if (done.isEmpty()) {
                    return AlarmResult.refused("nothing-to-acknowledge", "no alarm of " + set.point
                            + (command.alarm() == null ? "" : " named " + command.alarm()) + " waits for acknowledgement");
                }
            }
            case SHELVE -> {
                if (command.shelveFor().compareTo(settings.maxShelve()) > 0) {
                    return AlarmResult.refused("shelve-too-long", "an alarm may be shelved for at most "
                            + io.outpost.core.config.Durations.format(settings.maxShelve()) + " (alarms.max-shelve)");
                }
                Alarm a = targets.get(0);
                a.shelve(actor, command.comment(), now + command.shelveFor().toMillis(), now, events);
                done.add(a.rule().name());
            }
            case UNSHELVE -> {
                Alarm a = targets.get(0);
                if (!a.unshelve(actor, command.comment(), now, events)) {
                    return AlarmResult.refused("not-shelved", "alarm " + a.rule().name() + " of " + set.point
                            + " is not shelved");
                }
                done.add(a.rule().name());
            }
            default -> throw new IllegalStateException("unknown action " + command.action());
        }
        announce(set, events, now);
        return AlarmResult.done(done);
    }

    /** Every alarm, by point in configuration order. Any thread. */
    public List<AlarmSnapshot> alarms() {
        List<AlarmSnapshot> out = new ArrayList<>();
        for (PointAlarmSet set : points.values()) {
            synchronized (set) {
                out.addAll(set.snapshots());
            }
        }
        return out;
    }

    /** Every alarm as the state file keeps it, with the delays running now. */
    private List<SavedAlarm> savedAlarms() {
        List<SavedAlarm> out = new ArrayList<>();
        for (PointAlarmSet set : points.values()) {
            synchronized (set) {
                long nowNanos = scheduler.nanoTime();
                long nowMillis = scheduler.clock().millis();
                for (Alarm a : set.alarms) {
                    out.add(a.saved(nowNanos, nowMillis));
                }
            }
        }
        return out;
    }

    private void requestSave() {
        if (saveQueued.compareAndSet(false, true)) {
            saver.execute(this::save);
        }
    }

    private void save() {
        saveQueued.set(false);
        try {
            file.save(savedAlarms());
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot write the alarm states to {}; they are kept in memory and written at the next change",
                    file.path(), e);
        }
    }

    /** Cancels the timers and writes the states a last time (blocking). */
    @Override
    public synchronized void close() {
        for (PointAlarmSet set : points.values()) {
            synchronized (set) {
                set.closed = true;
                set.timer.cancel();
            }
        }
        save();
    }
}
