package io.outpost.adapter.bacnet.read;

import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.constructed.PropertyValue;
import com.serotonin.bacnet4j.type.constructed.SequenceOf;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import io.outpost.adapter.bacnet.config.BacnetPointSettings;
import io.outpost.adapter.bacnet.stack.BacnetPeer;
import io.outpost.adapter.bacnet.stack.BacnetRequestException;
import io.outpost.adapter.bacnet.stack.PropertyReader;
import io.outpost.adapter.bacnet.stack.PropertyRef;
import io.outpost.adapter.bacnet.stack.PropertyResult;
import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads points and turns the answers (or COV notifications) into samples. With status flags on, a present value is
 * read together with its object's status-flags, and the reliability of objects in fault is read after, so that the
 * quality says why ({@link StatusQuality}). Objects that have no status-flags are remembered and not asked again.
 *
 * <p>Confined to the device's IO thread, except {@link #fromNotification}, which only reads immutable state.
 */
public final class PointReading {

    private final PropertyReader reader;
    private final boolean statusFlags;
    private final Clock clock;
    private final Set<ObjectIdentifier> withoutStatusFlags = new HashSet<>();

    public PointReading(PropertyReader reader, boolean statusFlags, Clock clock) {
        this.reader = reader;
        this.statusFlags = statusFlags;
        this.clock = clock;
    }

    public static PropertyRef ref(BacnetPointSettings s) {
        return new PropertyRef(s.object().toIdentifier(), s.property(), s.arrayIndex());
    }

    /** One sample per point; fails only when the device does not answer at all. */
    public List<Sample> read(BacnetPeer peer, List<PointConfig> points) throws BacnetRequestException {
        List<PropertyRef> refs = new ArrayList<>();
        Set<ObjectIdentifier> flagged = new HashSet<>();
        for (PointConfig p : points) {
            BacnetPointSettings s = p.settings(BacnetPointSettings.class);
            refs.add(ref(s));
            ObjectIdentifier object = s.object().toIdentifier();
            if (wantsStatus(s) && !withoutStatusFlags.contains(object) && flagged.add(object)) {
                refs.add(PropertyRef.of(object, PropertyIdentifier.statusFlags));
            }
        }
        Map<PropertyRef, PropertyResult> results = reader.read(peer, refs);
        Map<ObjectIdentifier, Encodable> flags = new LinkedHashMap<>();
        for (ObjectIdentifier object : flagged) {
            PropertyResult r = results.get(PropertyRef.of(object, PropertyIdentifier.statusFlags));
            if (r != null && r.ok()) {
                flags.put(object, r.value());
            } else if (r != null && r.error().deviceAnswered() && !r.error().malformedAnswer()) {
                // The device says the object has none; a malformed answer says nothing about that.
                withoutStatusFlags.add(object);
            }
        }
        Map<ObjectIdentifier, Encodable> reliability = reliabilityOfFaulty(peer, flags);
        long at = clock.millis();
        List<Sample> samples = new ArrayList<>(points.size());
        for (PointConfig p : points) {
            BacnetPointSettings s = p.settings(BacnetPointSettings.class);
            PropertyResult r = results.get(ref(s));
            if (r == null || !r.ok()) {
                samples.add(Sample.bad(p.ref(), r == null ? "no-data" : r.error().reason(), at));
                continue;
            }
            ObjectIdentifier object = s.object().toIdentifier();
            Quality quality = wantsStatus(s) ? StatusQuality.of(flags.get(object), reliability.get(object)) : Quality.GOOD;
            samples.add(sample(p, r.value(), quality, at));
        }
        return samples;
    }

    /** The sample a COV notification carries for {@code point}, or empty when it does not carry the point's property. */
    public Optional<Sample> fromNotification(PointConfig point, SequenceOf<PropertyValue> values) {
        BacnetPointSettings s = point.settings(BacnetPointSettings.class);
        Encodable value = null;
        Encodable flags = null;
        for (PropertyValue pv : values) {
            if (pv.getPropertyIdentifier().intValue() == s.property() && pv.getPropertyArrayIndex() == null) {
                value = pv.getValue();
            } else if (pv.getPropertyIdentifier().equals(PropertyIdentifier.statusFlags)) {
                flags = pv.getValue();
            }
        }
        if (value == null) {
            return Optional.empty();
        }
        // A notification carries no reliability: a fault shows as "fault"; the next poll or read refines it.
        Quality quality = statusFlags ? StatusQuality.of(flags, null) : Quality.GOOD;
        return Optional.of(sample(point, value, quality, clock.millis()));
    }

    private Map<ObjectIdentifier, Encodable> reliabilityOfFaulty(BacnetPeer peer, Map<ObjectIdentifier, Encodable> flags)
            throws BacnetRequestException {
        List<PropertyRef> refs = new ArrayList<>();
        flags.forEach((object, f) -> {
            if (StatusQuality.faulty(f)) {
                refs.add(PropertyRef.of(object, PropertyIdentifier.reliability));
            }
        });
        Map<ObjectIdentifier, Encodable> out = new LinkedHashMap<>();
        if (refs.isEmpty()) {
            return out;
        }
        reader.read(peer, refs).forEach((ref, r) -> {
            if (r.ok()) {
                out.put(ref.object(), r.value());
            }
        });
        return out;
    }

    private boolean wantsStatus(BacnetPointSettings s) {
        return statusFlags && s.isPresentValue() && !s.object().toIdentifier().getObjectType().equals(ObjectType.device);
    }

    private static Sample sample(PointConfig p, Encodable encoded, Quality quality, long at) {
        Optional<Value> value = BacnetValues.toValue(encoded);
        if (value.isEmpty()) {
            return new Sample(p.ref(), null, Quality.bad("null"), at);
        }
        Optional<Value> typed = TypedValues.coerce(value.get(), p.type());
        if (typed.isEmpty()) {
            return Sample.bad(p.ref(), Quality.CONVERSION_ERROR, at);
        }
        return new Sample(p.ref(), typed.get(), quality, at);
    }
}
