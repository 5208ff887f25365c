package io.outpost.adapter.bacnet.read;

import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.enumerated.Reliability;
import com.serotonin.bacnet4j.type.primitive.BitString;
import io.outpost.adapter.bacnet.config.BacnetNames;
import io.outpost.core.point.Quality;

/**
 * Point quality from an object's status-flags and reliability, as an engineer reads them:
 * <ul>
 *   <li>fault, or a reliability other than no-fault-detected: {@code bad}, reason {@code reliability:<name>}
 *       (e.g. {@code reliability:open-loop}), or {@code fault} when the reliability is unknown;</li>
 *   <li>out-of-service: {@code uncertain(out-of-service)}: the value is not the process value but one written by
 *       someone, e.g. during commissioning;</li>
 *   <li>overridden (a hand switch, a local operator panel): {@code good}, reason {@code overridden}; the value is
 *       the real one, it just does not follow BACnet commands;</li>
 *   <li>in-alarm: {@code good}: the value is valid, the process is in alarm.</li>
 * </ul>
 */
public final class StatusQuality {

    public static final Quality OVERRIDDEN = new Quality(Quality.Status.GOOD, "overridden");

    private StatusQuality() {
    }

    /**
     * @param statusFlags the object's status-flags, or null when not read
     * @param reliability the object's reliability, or null when not read
     */
    public static Quality of(Encodable statusFlags, Encodable reliability) {
        boolean fault = false;
        boolean outOfService = false;
        boolean overridden = false;
        if (statusFlags instanceof BitString flags && flags.getValue().length >= 4) {
            // Bit order of BACnetStatusFlags: in-alarm, fault, overridden, out-of-service.
            fault = flags.getValue()[1];
            overridden = flags.getValue()[2];
            outOfService = flags.getValue()[3];
        }
        boolean unreliable = reliability instanceof Reliability r && !r.equals(Reliability.noFaultDetected);
        if (unreliable) {
            return Quality.bad("reliability:" + BacnetNames.enumName((Reliability) reliability));
        }
        if (fault) {
            return Quality.bad("fault");
        }
        if (outOfService) {
            return Quality.uncertain("out-of-service");
        }
        return overridden ? OVERRIDDEN : Quality.GOOD;
    }

    /** True when the flags say fault: the reliability property then says why. */
    public static boolean faulty(Encodable statusFlags) {
        return statusFlags instanceof BitString flags && flags.getValue().length >= 2 && flags.getValue()[1];
    }
}
