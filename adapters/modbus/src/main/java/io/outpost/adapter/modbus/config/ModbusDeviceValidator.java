package io.outpost.adapter.modbus.config;

import io.outpost.core.config.ConfigProblems;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.Durations;
import io.outpost.core.config.PointConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks that need the whole device: request limits against point sizes, writes to read-only tables, forbidden
 * ranges, values that partly share registers, and timeouts against the core's device timeout.
 */
public final class ModbusDeviceValidator {

    public void validate(DeviceConfig device, ConfigProblems problems) {
        ModbusDevice settings = device.settings(ModbusDevice.class);
        checkTimeouts(device, settings, problems);
        List<PointConfig> registerValues = new ArrayList<>();
        for (PointConfig p : device.points()) {
            ModbusPoint mp = p.settings(ModbusPoint.class);
            int limit = settings.limit(mp.table());
            if (mp.span() > limit) {
                report(problems, mp, "point '" + p.id() + "' spans " + mp.span() + " registers, more than one request "
                        + "may read (max-registers-per-request: " + limit + ")");
            }
            if (p.writable() && !mp.table().isWritable()) {
                report(problems, mp, "point '" + p.id() + "' is writable, but " + mp.table().configName()
                        + (mp.table().isBits() ? " inputs" : " registers") + " are read-only; use a coil or a holding register");
            }
            for (AddressRange r : settings.forbidden()) {
                if (r.appliesTo(mp.unitId(), mp.table()) && r.overlaps(mp.offset(), mp.lastOffset())) {
                    report(problems, mp, "point '" + p.id() + "' (" + describe(mp) + ") lies in the forbidden range " + r);
                }
            }
            if (!mp.table().isBits() && !mp.address().hasBit()) {
                registerValues.add(p);
            }
        }
        checkOverlaps(registerValues, problems);
    }

    private static void checkTimeouts(DeviceConfig device, ModbusDevice settings, ConfigProblems problems) {
        Duration timeout = device.timeout();
        ModbusConnection c = settings.connection();
        Duration request = c.requestTimeout();
        if (request != null && request.compareTo(timeout) >= 0) {
            problems.add(c.mark(), c.path() + ".request-timeout", "request-timeout ("
                    + Durations.format(request) + ") must be shorter than the device timeout (" + Durations.format(timeout)
                    + "), or the core gives up on every read before a slow request is abandoned");
        }
        Duration connect = c.connectTimeout();
        if (connect != null && connect.compareTo(timeout) >= 0) {
            problems.add(c.mark(), c.path() + ".connect-timeout", "connect-timeout ("
                    + Durations.format(connect) + ") must be shorter than the device timeout (" + Durations.format(timeout) + ")");
        }
    }

    /**
     * Two register values that share some registers but not all are almost always a typo (a float32 at 40002 next
     * to one at 40001). Identical layouts are fine (one register published twice, e.g. scaled two ways), and so are
     * bits of a register that is also read whole.
     */
    private static void checkOverlaps(List<PointConfig> points, ConfigProblems problems) {
        List<PointConfig> sorted = new ArrayList<>(points);
        Comparator<PointConfig> byUnitTableOffset = Comparator
                .<PointConfig>comparingInt(p -> p.settings(ModbusPoint.class).unitId())
                .thenComparing(p -> p.settings(ModbusPoint.class).table())
                .thenComparingInt(p -> p.settings(ModbusPoint.class).offset());
        sorted.sort(byUnitTableOffset);
        PointConfig reach = null;
        for (PointConfig p : sorted) {
            ModbusPoint mp = p.settings(ModbusPoint.class);
            if (reach != null) {
                ModbusPoint r = reach.settings(ModbusPoint.class);
                boolean sameRun = r.unitId() == mp.unitId() && r.table() == mp.table();
                boolean sameRegisters = r.offset() == mp.offset() && r.span() == mp.span();
                if (sameRun && mp.offset() <= r.lastOffset() && !sameRegisters) {
                    report(problems, mp, "point '" + p.id() + "' (" + describe(mp) + ") overlaps point '" + reach.id()
                            + "' (" + describe(r) + "); two values may share registers only when they read exactly "
                            + "the same ones");
                }
                if (!sameRun || mp.lastOffset() > r.lastOffset()) {
                    reach = p;
                }
            } else {
                reach = p;
            }
        }
    }

    private static String describe(ModbusPoint p) {
        return p.span() == 1 ? p.address().toString()
                : p.address() + "-" + p.table().reference(p.lastOffset()) + ", " + p.type();
    }

    private static void report(ConfigProblems problems, ModbusPoint point, String message) {
        problems.add(point.addressMark(), point.addressPath(), message);
    }
}
