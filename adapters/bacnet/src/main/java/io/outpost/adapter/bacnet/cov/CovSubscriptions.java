package io.outpost.adapter.bacnet.cov;

import com.serotonin.bacnet4j.service.confirmed.ConfirmedRequestService;
import com.serotonin.bacnet4j.service.confirmed.SubscribeCOVPropertyRequest;
import com.serotonin.bacnet4j.service.confirmed.SubscribeCOVRequest;
import com.serotonin.bacnet4j.type.constructed.Address;
import com.serotonin.bacnet4j.type.constructed.PropertyReference;
import com.serotonin.bacnet4j.type.constructed.PropertyValue;
import com.serotonin.bacnet4j.type.constructed.SequenceOf;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.Boolean;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.type.primitive.Real;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import io.micrometer.core.instrument.Counter;
import io.outpost.adapter.bacnet.config.BacnetDeviceSettings;
import io.outpost.adapter.bacnet.config.BacnetNames;
import io.outpost.adapter.bacnet.config.BacnetObjectRef;
import io.outpost.adapter.bacnet.config.BacnetPointSettings;
import io.outpost.adapter.bacnet.read.PointReading;
import io.outpost.adapter.bacnet.stack.BacnetPeer;
import io.outpost.adapter.bacnet.stack.BacnetRequestException;
import io.outpost.adapter.bacnet.stack.BacnetStack;
import io.outpost.core.config.PointConfig;
import io.outpost.core.spi.AdapterContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The COV subscriptions of one device's {@code cov: true} points. A point is claimed from polling
 * ({@link AdapterContext#setPushed}) once its subscription is accepted, and handed back to polling when the
 * device refuses it (no COV support, no room for more subscriptions) or stops answering, so that a value always
 * arrives one way or the other. Subscriptions are renewed when half their lifetime has passed and made again after
 * the device restarted or came back.
 *
 * <p>Points on one object share a subscription: SubscribeCOV for present values (what every COV device has),
 * SubscribeCOVProperty for other properties and for a point's own {@code cov-increment}.
 *
 * <p>{@link #maintain}, {@link #resubscribeAll}, {@link #lost} and {@link #cancel} run on the device's IO thread;
 * {@link #notification} on bacnet4j's threads.
 */
public final class CovSubscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(CovSubscriptions.class);
    private static final int MAX_REPORTED_SOURCES = 16;

    /** One subscription: an object, and a property when it is not the object's present value. */
    private record Key(ObjectIdentifier object, Integer property, Integer index, Float increment) {
    }

    private static final class Subscription {
        final List<PointConfig> points = new ArrayList<>();
        /** Monotonic time of the last accepted (re)subscription, or null while not subscribed. */
        Long subscribedAt;
        /** Monotonic time before which a refused subscription is not tried again. */
        long retryAt = Long.MIN_VALUE;
        String refusal;
    }

    private final String deviceId;
    private final BacnetDeviceSettings settings;
    private final AdapterContext context;
    private final BacnetStack stack;
    private final PointReading reading;
    private final Map<Key, Subscription> subscriptions = new LinkedHashMap<>();
    private final Map<ObjectIdentifier, List<PointConfig>> byObject = new LinkedHashMap<>();
    private final Counter accepted;
    private final Counter refused;
    private final Counter foreign;
    /** Where the subscriptions were made; notifications from elsewhere are forged. Set on the IO thread. */
    private volatile Address deviceAddress;
    /** Sources already warned about, so that a flood of forgeries logs a line per source, not per packet. */
    private final Set<String> foreignSources = ConcurrentHashMap.newKeySet();
    private long processId;

    public CovSubscriptions(String deviceId, BacnetDeviceSettings settings, List<PointConfig> points,
                            AdapterContext context, BacnetStack stack, PointReading reading) {
        this.deviceId = deviceId;
        this.settings = settings;
        this.context = context;
        this.stack = stack;
        this.reading = reading;
        this.accepted = Counter.builder("outpost.bacnet.cov.subscriptions").tag("device", deviceId)
                .tag("result", "accepted").description("COV subscriptions and renewals").register(context.meters());
        this.refused = Counter.builder("outpost.bacnet.cov.subscriptions").tag("device", deviceId)
                .tag("result", "refused").description("COV subscriptions and renewals").register(context.meters());
        this.foreign = Counter.builder("outpost.bacnet.cov.foreign").tag("device", deviceId)
                .description("COV notifications dropped because they came from another address than the device's")
                .register(context.meters());
        for (PointConfig p : points) {
            BacnetPointSettings s = p.settings(BacnetPointSettings.class);
            if (!s.cov()) {
                continue;
            }
            boolean objectLevel = s.isPresentValue() && s.covIncrement() == null;
            Key key = new Key(s.object().toIdentifier(), objectLevel ? null : s.property(), s.arrayIndex(), s.covIncrement());
            subscriptions.computeIfAbsent(key, k -> new Subscription()).points.add(p);
            byObject.computeIfAbsent(key.object, o -> new ArrayList<>()).add(p);
        }
    }

    public boolean isEmpty() {
        return subscriptions.isEmpty();
    }

    public void setProcessId(long processId) {
        this.processId = processId;
    }

    /**
     * A notification for our process id: each COV point of the object takes its property from it, if present. One
     * from any other address than the device's is dropped and counted: the process id is a guessable hash and the
     * device instance is public, so only the source address tells the device from a forger on the network.
     */
    public void notification(Address source, ObjectIdentifier object, SequenceOf<PropertyValue> values) {
        Address expected = deviceAddress;
        if (expected == null || !expected.equals(source)) {
            foreign.increment();
            String from = source == null ? "an unknown address" : source.getDescription();
            if (foreignSources.size() < MAX_REPORTED_SOURCES && foreignSources.add(from)) {
                LOG.warn("device {}: dropped a COV notification for {} from {}, which is not the device's address {}",
                        deviceId, object, from, expected == null ? "(not connected)" : expected.getDescription());
            } else {
                LOG.debug("device {}: dropped a COV notification for {} from {}", deviceId, object, from);
            }
            return;
        }
        List<PointConfig> points = byObject.get(object);
        if (points == null) {
            LOG.debug("device {}: notification for {} which no point watches", deviceId, object);
            return;
        }
        for (PointConfig p : points) {
            reading.fromNotification(p, values).ifPresent(context::push);
        }
    }

    /**
     * Subscribes what is not subscribed yet (and whose retry time has come) and renews what has passed half its
     * lifetime. Fails when the device stops answering; the caller then calls {@link #lost}.
     */
    public void maintain(BacnetPeer peer) throws BacnetRequestException {
        deviceAddress = peer.remote().getAddress();
        long now = context.scheduler().nanoTime();
        long renewAfter = settings.covLifetime().toNanos() / 2;
        for (Map.Entry<Key, Subscription> e : subscriptions.entrySet()) {
            Subscription sub = e.getValue();
            boolean due = sub.subscribedAt == null ? now >= sub.retryAt : now - sub.subscribedAt >= renewAfter;
            if (due) {
                subscribe(peer, e.getKey(), sub, now);
            }
        }
    }

    /** The device restarted or came back and has forgotten us: subscribe everything again now. */
    public void resubscribeAll(BacnetPeer peer) throws BacnetRequestException {
        subscriptions.values().forEach(s -> {
            s.retryAt = Long.MIN_VALUE;
            s.subscribedAt = null;
        });
        maintain(peer);
    }

    /** The device stopped answering: every COV point goes back to polling (which marks it bad) until it is back. */
    public void lost() {
        subscriptions.values().forEach(s -> {
            if (s.subscribedAt != null) {
                s.subscribedAt = null;
                s.points.forEach(p -> context.setPushed(p.id(), false));
            }
            s.retryAt = Long.MIN_VALUE;
        });
    }

    /** Cancels every subscription without waiting for the answers (the gateway is stopping or reloading). */
    public void cancel(BacnetPeer peer) {
        for (Map.Entry<Key, Subscription> e : subscriptions.entrySet()) {
            if (e.getValue().subscribedAt != null) {
                stack.send(peer.remote(), request(e.getKey(), null, null));
                e.getValue().subscribedAt = null;
            }
        }
    }

    private void subscribe(BacnetPeer peer, Key key, Subscription sub, long now) throws BacnetRequestException {
        boolean wasSubscribed = sub.subscribedAt != null;
        try {
            stack.call(peer.remote(), request(key, Boolean.valueOf(settings.covConfirmed()),
                    new UnsignedInteger(settings.covLifetime().toSeconds())), "COV subscription to " + describe(key));
        } catch (BacnetRequestException e) {
            if (!e.deviceAnswered()) {
                throw e;
            }
            // Refused: poll its points, and ask again after a lifetime (the device may have room by then).
            if (!e.reason().equals(sub.refusal)) {
                LOG.warn("device {}: {} refused the COV subscription to {} ({}); polling its points instead",
                        deviceId, peer, describe(key), e.reason());
            }
            refused.increment();
            sub.refusal = e.reason();
            sub.subscribedAt = null;
            sub.retryAt = now + settings.covLifetime().toNanos();
            sub.points.forEach(p -> context.setPushed(p.id(), false));
            return;
        }
        if (sub.refusal != null || !wasSubscribed) {
            LOG.info("device {}: subscribed to COV of {} ({} s, {})", deviceId, describe(key),
                    settings.covLifetime().toSeconds(), settings.covConfirmed() ? "confirmed" : "unconfirmed");
        }
        accepted.increment();
        sub.refusal = null;
        sub.subscribedAt = now;
        sub.points.forEach(p -> context.setPushed(p.id(), true));
    }

    private ConfirmedRequestService request(Key key, Boolean confirmed, UnsignedInteger lifetime) {
        UnsignedInteger pid = new UnsignedInteger(processId);
        if (key.property == null) {
            return new SubscribeCOVRequest(pid, key.object, confirmed, lifetime);
        }
        PropertyReference ref = new PropertyReference(PropertyIdentifier.forId(key.property),
                key.index == null ? null : new UnsignedInteger(key.index));
        return new SubscribeCOVPropertyRequest(pid, key.object, confirmed, lifetime, ref,
                key.increment == null ? null : new Real(key.increment));
    }

    private static String describe(Key key) {
        return BacnetObjectRef.of(key.object) + (key.property == null ? "" : " " + BacnetNames.propertyName(key.property));
    }
}
