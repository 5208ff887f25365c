package io.outpost.adapter.modbus.config;

/**
 * Addresses {@code first..last} (0-based, inclusive) of one table, optionally of one unit id only: a configured
 * forbidden range that requests never touch.
 *
 * @param unitId the unit it applies to, or -1 for every unit of the device
 */
public record AddressRange(Table table, int first, int last, int unitId) {

    public static final int ANY_UNIT = -1;

    public AddressRange {
        if (first < 0 || last < first || last > ModbusAddress.MAX_OFFSET) {
            throw new IllegalArgumentException("range must satisfy 0 <= first <= last <= 65535, found " + first + ".." + last);
        }
    }

    public boolean appliesTo(int unit, Table t) {
        return table == t && (unitId == ANY_UNIT || unitId == unit);
    }

    /** True when {@code from..to} shares an address with this range. */
    public boolean overlaps(int from, int to) {
        return from <= last && to >= first;
    }

    @Override
    public String toString() {
        return table.reference(first) + (last == first ? "" : "-" + table.reference(last))
                + (unitId == ANY_UNIT ? "" : " (unit " + unitId + ")");
    }
}
