package io.outpost.adapter.modbus.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a value lives: table, 0-based offset and, for a bit inside a register, the bit number (0 = least
 * significant). Parsed from Modicon references: five digits ({@code 40001} is holding register offset 0, up to
 * {@code 49999}), six digits ({@code 400001} up to {@code 465536}), and {@code 40010.3} for bit 3 of a register.
 *
 * @param bit the bit within the register, or -1 for the whole value
 */
public record ModbusAddress(Table table, int offset, int bit) {

    public static final int NO_BIT = -1;
    public static final int MAX_OFFSET = 65_535;

    private static final Pattern REFERENCE = Pattern.compile("(\\d{1,6})(?:\\.(\\d{1,2}))?");

    public ModbusAddress {
        if (offset < 0 || offset > MAX_OFFSET) {
            throw new IllegalArgumentException("offset must be 0 to 65535, found " + offset);
        }
        if (bit < NO_BIT || bit > 15 || (bit != NO_BIT && table.isBits())) {
            throw new IllegalArgumentException("bit must be 0 to 15 in a register, found " + bit + " in " + table);
        }
    }

    public boolean hasBit() {
        return bit != NO_BIT;
    }

    /** The Modicon reference, e.g. {@code 40010.3}. */
    @Override
    public String toString() {
        return table.reference(offset) + (hasBit() ? "." + bit : "");
    }

    /** The outcome of parsing a reference: an address or a sentence saying what is wrong. */
    public record Parsed(ModbusAddress address, String problem) {
        static Parsed ok(ModbusAddress a) {
            return new Parsed(a, null);
        }

        static Parsed error(String problem) {
            return new Parsed(null, problem);
        }

        public boolean ok() {
            return address != null;
        }
    }

    /** Parses a Modicon reference such as {@code 40001}, {@code 400001}, {@code 00017} or {@code 40010.3}. */
    public static Parsed parse(String text) {
        String t = text.trim();
        Matcher m = REFERENCE.matcher(t);
        if (!m.matches()) {
            return Parsed.error("'" + text + "' is not a Modicon reference; write e.g. 40001 (holding register 1), "
                    + "30001 (input register), 10001 (discrete input), 00001 (coil), 40010.3 (bit 3 of 40010), "
                    + "or use table: and offset: (0-based)");
        }
        String digits = m.group(1);
        boolean sixDigits = digits.length() == 6;
        String padded = sixDigits ? digits : "0".repeat(5 - digits.length()) + digits;
        int prefix = padded.charAt(0) - '0';
        int number = Integer.parseInt(padded.substring(1));
        Table table = Table.byPrefix(prefix);
        if (table == null) {
            return Parsed.error("'" + text + "' starts with " + prefix + "; Modicon references start with 0 (coil), "
                    + "1 (discrete input), 3 (input register) or 4 (holding register)");
        }
        int max = sixDigits ? 65_536 : 9_999;
        if (number < 1 || number > max) {
            return Parsed.error("'" + text + "': " + (sixDigits ? "six" : "five") + "-digit references number "
                    + table.configName() + " addresses from 1 to " + max + " (" + table.reference(0) + " is the first)"
                    + (sixDigits ? "" : "; for addresses past 9999 use six digits, e.g. " + prefix + "10000"));
        }
        int bit = NO_BIT;
        if (m.group(2) != null) {
            if (table.isBits()) {
                return Parsed.error("'" + text + "': a bit number (." + m.group(2) + ") only applies to a register; "
                        + table.configName() + " addresses are single bits already");
            }
            bit = Integer.parseInt(m.group(2));
            if (bit > 15) {
                return Parsed.error("'" + text + "': a register has bits 0 to 15, found ." + bit);
            }
        }
        return Parsed.ok(new ModbusAddress(table, number - 1, bit));
    }
}
