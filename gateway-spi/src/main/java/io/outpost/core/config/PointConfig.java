package io.outpost.core.config;

import io.outpost.core.point.DataType;
import io.outpost.core.point.PointRef;
import java.time.Duration;
import java.util.Objects;

/**
 * One configured point. The core fields are the same for every protocol; {@code settings} holds the adapter's own
 * record (address, byte order, node id, ...), parsed and validated by the adapter's factory.
 *
 * @param type        the value type; null when the adapter learns it from the device (OPC UA, BACnet)
 * @param pollInterval how often the core reads it, unless the adapter pushes it
 * @param command     null unless the point is writable
 * @param location    where it was written, for error messages; known when the file has mistakes (a valid file is
 *                    read without places, to keep loading a large site small), else {@link SourceMark#UNKNOWN};
 *                    not part of equality (hot reload compares configs)
 * @param alarms      the point's alarms; {@link PointAlarms#NONE} for most points
 */
public record PointConfig(
        PointRef ref,
        DataType type,
        String unit,
        String description,
        Duration pollInterval,
        ReportPolicy report,
        Scaling scaling,
        Range range,
        Publication publication,
        CommandRoute command,
        Object settings,
        SourceMark location,
        PointAlarms alarms) {

    public PointConfig {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(scaling, "scaling");
        Objects.requireNonNull(publication, "publication");
        unit = unit == null ? "" : unit;
        description = description == null ? "" : description;
        location = location == null ? SourceMark.UNKNOWN : location;
        alarms = alarms == null ? PointAlarms.NONE : alarms;
    }

    /** A point without alarms. */
    public PointConfig(PointRef ref, DataType type, String unit, String description, Duration pollInterval,
                       ReportPolicy report, Scaling scaling, Range range, Publication publication, CommandRoute command,
                       Object settings, SourceMark location) {
        this(ref, type, unit, description, pollInterval, report, scaling, range, publication, command, settings,
                location, PointAlarms.NONE);
    }

    public String id() {
        return ref.point();
    }

    public boolean writable() {
        return command != null;
    }

    /** The adapter's settings record for this point. */
    public <T> T settings(Class<T> type) {
        return type.cast(settings);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PointConfig p && ref.equals(p.ref) && Objects.equals(type, p.type) && unit.equals(p.unit)
                && description.equals(p.description) && pollInterval.equals(p.pollInterval) && report.equals(p.report)
                && scaling.equals(p.scaling) && Objects.equals(range, p.range) && publication.equals(p.publication)
                && Objects.equals(command, p.command) && Objects.equals(settings, p.settings) && alarms.equals(p.alarms);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ref, type, pollInterval, publication, settings);
    }
}
