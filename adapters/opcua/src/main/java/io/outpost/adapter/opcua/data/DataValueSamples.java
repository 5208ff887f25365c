package io.outpost.adapter.opcua.data;

import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/**
 * One OPC UA {@link DataValue} to one {@link Sample}: Good is good, Uncertain is uncertain and Bad is bad, with the
 * status name ({@code Bad_SensorFailure}) as reason; a bad value carries no value. The source timestamp is the
 * server's source timestamp when present, else its server timestamp, else the time of arrival. Stateless.
 */
public final class DataValueSamples {

    /** A good status with no value: the node exists but holds nothing yet. */
    public static final String NO_VALUE = "no-value";

    private DataValueSamples() {
    }

    public static Sample toSample(PointRef point, DataValue dv, long arrivalMillis) {
        long time = timeOf(dv, arrivalMillis);
        StatusCode status = dv.statusCode() == null ? StatusCode.GOOD : dv.statusCode();
        if (status.isBad()) {
            return Sample.bad(point, StatusNames.of(status), time);
        }
        Object raw = dv.value() == null ? null : dv.value().value();
        if (raw == null) {
            return status.isGood() ? Sample.bad(point, NO_VALUE, time)
                    : new Sample(point, null, Quality.uncertain(StatusNames.of(status)), time);
        }
        Value value;
        try {
            value = VariantValues.toValue(raw);
        } catch (UnsupportedValueException e) {
            return Sample.bad(point, e.reason(), time);
        }
        Quality quality = status.isGood() ? Quality.GOOD : Quality.uncertain(StatusNames.of(status));
        return new Sample(point, value, quality, time);
    }

    private static long timeOf(DataValue dv, long arrivalMillis) {
        DateTime source = dv.sourceTime();
        if (usable(source)) {
            return source.getJavaTime();
        }
        DateTime server = dv.serverTime();
        return usable(server) ? server.getJavaTime() : arrivalMillis;
    }

    private static boolean usable(DateTime t) {
        return t != null && !t.isNull() && t.isValid();
    }
}
