package io.outpost.mqtt.internal.bridge.sparkplug;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the metrics of an NCMD or DCMD payload: name or alias, datatype when given, and the value. Stateless.
 */
final class SparkplugCommands {

    /** A metric a host asks to write; {@code value} is Boolean, Long, Double, String, or null (is_null). */
    record Command(String name, long alias, int datatype, Object value) {
    }

    private SparkplugCommands() {
    }

    /** @throws IllegalArgumentException when the payload is not a Sparkplug payload */
    static List<Command> read(byte[] payload) {
        List<Command> out = new ArrayList<>();
        ProtoReader p = new ProtoReader(payload);
        while (p.next()) {
            if (p.field() == 2) {
                out.add(metric(p.messageValue()));
            } else {
                p.skip();
            }
        }
        return out;
    }

    private static Command metric(ProtoReader m) {
        String name = null;
        long alias = -1;
        int datatype = 0;
        Object value = null;
        long intBits = 0;
        boolean intValue = false;
        while (m.next()) {
            switch (m.field()) {
                case 1 -> name = m.stringValue();
                case 2 -> alias = m.varintValue();
                case 4 -> datatype = (int) m.varintValue();
                case 10 -> {
                    intBits = m.varintValue() & 0xFFFF_FFFFL;
                    intValue = true;
                }
                case 11 -> value = m.varintValue();
                case 12 -> value = (double) Float.intBitsToFloat(m.fixed32Value());
                case 13 -> value = Double.longBitsToDouble(m.fixed64Value());
                case 14 -> value = m.varintValue() != 0;
                case 15 -> value = m.stringValue();
                default -> m.skip();
            }
        }
        if (intValue) {
            // int_value holds 32 bits; the signed types are two's complement in them.
            boolean signed = datatype == 1 || datatype == 2 || datatype == 3 || datatype == 0;
            value = signed ? (long) (int) intBits : intBits;
        }
        return new Command(name, alias, datatype, value);
    }
}
