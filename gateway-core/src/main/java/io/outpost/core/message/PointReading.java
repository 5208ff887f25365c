package io.outpost.core.message;

import io.outpost.core.point.DataType;
import io.outpost.core.point.Sample;
import java.util.Objects;

/**
 * The typed reading a point message was made from, carried with the message in-process so that upstream encoders
 * (batches, binary formats, Sparkplug) need not parse the payload back and know the point's configured type.
 *
 * @param sample the engineering sample (after scaling and range checks), as the payload shows it
 * @param type   the point's configured type, or null when the adapter learns it from the device (OPC UA, BACnet)
 */
public record PointReading(Sample sample, DataType type) {

    public PointReading {
        Objects.requireNonNull(sample, "sample");
    }
}
