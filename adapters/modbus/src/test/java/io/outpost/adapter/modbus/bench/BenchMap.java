package io.outpost.adapter.modbus.bench;

import io.outpost.adapter.modbus.config.Table;
import io.outpost.adapter.modbus.sim.DataTable;
import io.outpost.adapter.modbus.sim.SimulatedUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's typical register map of 100 points: 30 float32 (CDAB) and 5 int32 process values, 10 uint16
 * counters and a status word's 10 bits in holding registers, 20 input registers, 10 coils and 15 discrete inputs,
 * with the small gaps real maps have. One-request-per-point gateways send 100 requests to read it.
 */
final class BenchMap {

    /** One point: where it is and how many addresses it spans. */
    record Point(String id, Table table, int index, int bit, String type, int span) {
        String yaml() {
            StringBuilder s = new StringBuilder("- {id: ").append(id).append(", table: ").append(table.configName())
                    .append(", index: ").append(index);
            if (bit >= 0) {
                s.append(", bit: ").append(bit);
            } else if (!table.isBits()) {
                s.append(", type: ").append(type);
                if (type.equals("float32")) {
                    s.append(", byte-order: CDAB");
                }
            }
            return s.append("}").toString();
        }
    }

    static final List<Point> POINTS = build();

    private BenchMap() {
    }

    private static List<Point> build() {
        List<Point> p = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            p.add(new Point("f" + i, Table.HOLDING_REGISTER, 2 * i, -1, "float32", 2));
        }
        for (int i = 0; i < 10; i++) {
            p.add(new Point("c" + i, Table.HOLDING_REGISTER, 70 + i, -1, "uint16", 1));
        }
        for (int i = 0; i < 10; i++) {
            p.add(new Point("s" + i, Table.HOLDING_REGISTER, 90, i, "bool", 1));
        }
        for (int i = 0; i < 5; i++) {
            p.add(new Point("l" + i, Table.HOLDING_REGISTER, 100 + 2 * i, -1, "int32", 2));
        }
        for (int i = 0; i < 15; i++) {
            p.add(new Point("u" + i, Table.INPUT_REGISTER, i, -1, "uint16", 1));
        }
        for (int i = 0; i < 5; i++) {
            p.add(new Point("t" + i, Table.INPUT_REGISTER, 20 + i, -1, "int16", 1));
        }
        for (int i = 0; i < 10; i++) {
            p.add(new Point("k" + i, Table.COIL, i, -1, "bool", 1));
        }
        for (int i = 0; i < 15; i++) {
            p.add(new Point("d" + i, Table.DISCRETE_INPUT, 2 * i, -1, "bool", 1));
        }
        return List.copyOf(p);
    }

    /** Fills a simulated unit with non-zero values at every point. */
    static void fill(SimulatedUnit unit, int seed) {
        for (Point p : POINTS) {
            // The simulator names the four tables in its own terms, as the adapter does.
            DataTable table = DataTable.valueOf(p.table().name());
            if (p.table().isBits()) {
                unit.setBit(table, p.index(), (p.index() + seed) % 3 != 0);
            } else {
                for (int r = 0; r < p.span(); r++) {
                    unit.setRegister(table, p.index() + r, 1000 + seed + p.index() + r);
                }
            }
        }
    }

    /** A device entry of the gateway YAML. */
    static String deviceYaml(String id, int port, String pollInterval) {
        StringBuilder s = new StringBuilder()
                .append("  - id: ").append(id).append('\n')
                .append("    protocol: modbus\n")
                .append("    poll-interval: ").append(pollInterval).append('\n')
                .append("    timeout: 2s\n")
                .append("    connection: {transport: tcp, host: 127.0.0.1, port: ").append(port).append("}\n")
                .append("    points:\n");
        for (Point p : POINTS) {
            s.append("      ").append(p.yaml()).append('\n');
        }
        return s.toString();
    }
}
