package io.outpost.mqtt.internal.bridge.sparkplug;

import io.outpost.core.point.Value;

/**
 * One metric of a Sparkplug payload as the edge node writes it.
 *
 * @param name       the metric name (births, and node metrics), or null to go by alias only (data)
 * @param alias      the metric alias, or -1 for none
 * @param datatype   a {@link SparkplugTypes} code; written in births only
 * @param value      the value, or null for a metric without one ({@code is_null})
 * @param unit       engineering unit for the birth's {@code engUnit} property, or empty
 */
record Metric(String name, long alias, long timestamp, int datatype, boolean historical, Value value, String unit,
              boolean withType) {

    byte[] encode() {
        ProtoWriter m = new ProtoWriter();
        if (name != null) {
            m.string(1, name);
        }
        if (alias >= 0) {
            m.uint64(2, alias);
        }
        m.uint64(3, timestamp);
        if (withType) {
            m.uint64(4, datatype);
        }
        if (historical) {
            m.bool(5, true);
        }
        boolean written = value != null && SparkplugTypes.writeValue(m, datatype, value);
        if (!written) {
            m.bool(7, true);
        }
        if (withType && unit != null && !unit.isEmpty()) {
            // PropertySet{keys: ["engUnit"], values: [PropertyValue{type: String, string_value: unit}]}
            ProtoWriter value = new ProtoWriter().uint64(1, SparkplugTypes.STRING).string(8, unit);
            m.message(9, new ProtoWriter().string(1, "engUnit").message(2, value));
        }
        return m.toByteArray();
    }

    /** A payload without sequence number (NDEATH). */
    static byte[] payloadWithoutSeq(long timestamp, Iterable<Metric> metrics) {
        ProtoWriter p = new ProtoWriter().uint64(1, timestamp);
        for (Metric metric : metrics) {
            p.bytes(2, metric.encode());
        }
        return p.toByteArray();
    }

    /** A Sparkplug payload: timestamp, metrics and sequence number. */
    static byte[] payload(long timestamp, long seq, Iterable<Metric> metrics) {
        ProtoWriter p = new ProtoWriter().uint64(1, timestamp);
        for (Metric metric : metrics) {
            p.bytes(2, metric.encode());
        }
        return p.uint64(3, seq).toByteArray();
    }
}
