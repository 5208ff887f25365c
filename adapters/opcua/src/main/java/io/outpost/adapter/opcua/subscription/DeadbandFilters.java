package io.outpost.adapter.opcua.subscription;

import io.outpost.core.config.Deadband;
import io.outpost.core.config.PointConfig;
import io.outpost.core.config.ReportPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DataChangeTrigger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.DeadbandType;
import org.eclipse.milo.opcua.stack.core.types.structured.DataChangeFilter;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

/**
 * The server-side DataChangeFilter of a subscribed point, so that changes the gateway would drop never cross the
 * field link. The core's report-by-exception still runs on what arrives, so a change is published only when it
 * passes both:
 * <ul>
 *   <li>{@code deadband: 0.5} (engineering units) becomes an Absolute deadband in the node's raw units (divided by
 *       the point's {@code scale});</li>
 *   <li>{@code deadband: 2%} with a {@code range:} becomes the same Absolute deadband the core applies (2% of the
 *       range span), so server and gateway agree exactly;</li>
 *   <li>{@code deadband: 2%} without {@code range:} becomes an OPC UA Percent deadband (of the node's EURange); a
 *       server that refuses it (the node is no AnalogItem) gets no deadband and the gateway filters alone.</li>
 * </ul>
 * {@code report: every-read} asks for StatusValueTimestamp, so a new source timestamp alone is also a change.
 */
public final class DeadbandFilters {

    private DeadbandFilters() {
    }

    /** The filter for the point, or null for the server's default (status or value changed, no deadband). */
    public static DataChangeFilter forPoint(PointConfig point) {
        ReportPolicy report = point.report();
        DataChangeTrigger trigger = report.everyRead() ? DataChangeTrigger.StatusValueTimestamp
                : DataChangeTrigger.StatusValue;
        Deadband deadband = report.deadband();
        if (deadband == null || deadband.amount() == 0) {
            return report.everyRead() ? new DataChangeFilter(trigger, uint(DeadbandType.None.getValue()), 0.0) : null;
        }
        double rawPerEngineering = 1 / Math.abs(point.scaling().scale());
        if (deadband.kind() == Deadband.Kind.ABSOLUTE) {
            return new DataChangeFilter(trigger, uint(DeadbandType.Absolute.getValue()),
                    deadband.amount() * rawPerEngineering);
        }
        if (point.range() != null) {
            return new DataChangeFilter(trigger, uint(DeadbandType.Absolute.getValue()),
                    deadband.amount() / 100.0 * point.range().span() * rawPerEngineering);
        }
        return new DataChangeFilter(trigger, uint(DeadbandType.Percent.getValue()), deadband.amount());
    }
}
