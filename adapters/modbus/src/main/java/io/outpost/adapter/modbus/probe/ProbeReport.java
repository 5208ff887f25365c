package io.outpost.adapter.modbus.probe;

import io.outpost.adapter.modbus.codec.ModbusPdu;
import io.outpost.adapter.modbus.codec.ValueCodec;
import io.outpost.adapter.modbus.config.ModbusByteOrder;
import io.outpost.adapter.modbus.config.Table;
import io.outpost.core.point.DataType;
import io.outpost.core.point.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a probe read, with every interpretation: for each register, int16/uint16 in both byte orders, and the
 * 32-bit and 64-bit types starting there in the four orders, side by side. Readings within 0.01 % of the expected
 * value are starred and listed at the end.
 */
public final class ProbeReport {

    private static final List<DataType> WIDE = List.of(DataType.FLOAT32, DataType.INT32, DataType.UINT32,
            DataType.FLOAT64, DataType.INT64, DataType.UINT64);
    private static final ModbusByteOrder[] ORDERS = {ModbusByteOrder.ABCD, ModbusByteOrder.CDAB, ModbusByteOrder.BADC,
            ModbusByteOrder.DCBA};
    private static final int COLUMN = 24;

    /** A reading that matches the expected value. */
    public record Match(String reference, DataType type, String order, Value value) {
        @Override
        public String toString() {
            return type + " " + order + " at " + reference;
        }
    }

    private final ModbusProbe.Request request;
    private final byte[] response;

    ProbeReport(ModbusProbe.Request request, byte[] response) {
        this.request = request;
        this.response = response.clone();
    }

    /** The registers read, as unsigned 16-bit numbers (empty for bit tables). */
    public int[] registers() {
        if (request.table().isBits()) {
            return new int[0];
        }
        int[] r = new int[request.count()];
        for (int i = 0; i < r.length; i++) {
            r[i] = ((response[2 + 2 * i] & 0xFF) << 8) | (response[3 + 2 * i] & 0xFF);
        }
        return r;
    }

    /** Every interpretation that comes within 0.01 % of the expected value (none when no value was given). */
    public List<Match> matches() {
        List<Match> out = new ArrayList<>();
        if (request.expected().isEmpty() || request.table().isBits()) {
            return out;
        }
        for (int i = 0; i < request.count(); i++) {
            for (DataType t : List.of(DataType.INT16, DataType.UINT16)) {
                for (ModbusByteOrder o : new ModbusByteOrder[] {ModbusByteOrder.ABCD, ModbusByteOrder.BADC}) {
                    check(out, i, t, o);
                }
            }
            for (DataType t : WIDE) {
                for (ModbusByteOrder o : ORDERS) {
                    check(out, i, t, o);
                }
            }
        }
        return out;
    }

    private void check(List<Match> out, int i, DataType type, ModbusByteOrder order) {
        Value v = decode(i, type, order);
        if (v != null && matchesExpected(v)) {
            out.add(new Match(reference(i), type, order.nameFor(width(type)), v));
        }
    }

    private boolean matchesExpected(Value v) {
        double expected = request.expected().getAsDouble();
        double actual = v.asDouble();
        return Double.isFinite(actual) && Math.abs(actual - expected) <= Math.max(1e-9, Math.abs(expected) * 1e-4);
    }

    private Value decode(int i, DataType type, ModbusByteOrder order) {
        int registers = width(type) / 2;
        if (i + registers > request.count()) {
            return null;
        }
        return ValueCodec.decodeRegisters(type, order, 0, response, 2 + 2 * i);
    }

    private static int width(DataType type) {
        return switch (type) {
            case INT32, UINT32, FLOAT32 -> 4;
            case INT64, UINT64, FLOAT64 -> 8;
            default -> 2;
        };
    }

    private String reference(int i) {
        return request.table().reference(request.index() + i);
    }

    /** The report as text for a terminal. */
    public String toTable() {
        StringBuilder out = new StringBuilder();
        Table table = request.table();
        out.append(String.format(Locale.ROOT, "unit %d, %s %s-%s (index %d-%d), %s%n", request.unitId(),
                table.configName() + (table.isBits() ? "" : " registers"), reference(0), reference(request.count() - 1),
                request.index(), request.index() + request.count() - 1, request.connection().describe()));
        if (table.isBits()) {
            for (int i = 0; i < request.count(); i++) {
                out.append(String.format(Locale.ROOT, "  %-8s %s%n", reference(i), ModbusPdu.bit(response, i) ? "1 (on)" : "0 (off)"));
            }
            return out.toString();
        }
        List<Match> matches = matches();
        int[] registers = registers();
        for (int i = 0; i < registers.length; i++) {
            out.append(String.format(Locale.ROOT, "%n%-8s 0x%04X   int16 AB %s   BA %s   uint16 AB %s   BA %s%n",
                    reference(i), registers[i], cell(i, DataType.INT16, ModbusByteOrder.ABCD, matches).trim(),
                    cell(i, DataType.INT16, ModbusByteOrder.BADC, matches).trim(),
                    cell(i, DataType.UINT16, ModbusByteOrder.ABCD, matches).trim(),
                    cell(i, DataType.UINT16, ModbusByteOrder.BADC, matches).trim()));
            if (i + 1 >= registers.length) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "  %-8s", ""));
            for (ModbusByteOrder o : ORDERS) {
                out.append(String.format(Locale.ROOT, "%-" + COLUMN + "s", o.name() + (i + 3 < registers.length ? "/" + o.nameFor(8) : "")));
            }
            out.append(System.lineSeparator());
            for (DataType t : WIDE) {
                if (decode(i, t, ModbusByteOrder.ABCD) == null) {
                    continue;
                }
                out.append(String.format(Locale.ROOT, "  %-8s", t));
                for (ModbusByteOrder o : ORDERS) {
                    out.append(cell(i, t, o, matches));
                }
                out.append(System.lineSeparator());
            }
        }
        if (request.expected().isPresent()) {
            double expected = request.expected().getAsDouble();
            out.append(System.lineSeparator());
            out.append(matches.isEmpty() ? "no reading matches " + expected + System.lineSeparator()
                    : expected + " matches " + String.join(", ", matches.stream().map(Match::toString).toList())
                    + System.lineSeparator());
        }
        return out.toString().replaceAll(" +(\\R)", "$1");
    }

    private String cell(int i, DataType type, ModbusByteOrder order, List<Match> matches) {
        Value v = decode(i, type, order);
        String ref = reference(i);
        boolean match = matches.stream().anyMatch(m -> m.reference().equals(ref) && m.type() == type
                && m.order().equals(order.nameFor(width(type))));
        String text = v == null ? "" : format(v) + (match ? " *" : "");
        return String.format(Locale.ROOT, "%-" + COLUMN + "s", text);
    }

    private static String format(Value v) {
        if (v instanceof Value.Real r) {
            double d = r.value();
            return Math.abs(d) >= 1e-4 && Math.abs(d) < 1e9 || d == 0 ? String.format(Locale.ROOT, "%.6g", d)
                    : String.format(Locale.ROOT, "%.4e", d);
        }
        return v.toString();
    }
}
