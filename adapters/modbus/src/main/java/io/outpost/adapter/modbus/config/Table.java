package io.outpost.adapter.modbus.config;

/**
 * The four Modbus data tables. Each has its Modicon reference prefix (the first digit of {@code 40001}), the
 * function code that reads it and whether it holds single bits or 16-bit registers.
 */
public enum Table {
    COIL("coil", 0, 0x01, true, true),
    DISCRETE_INPUT("discrete", 1, 0x02, true, false),
    INPUT_REGISTER("input", 3, 0x04, false, false),
    HOLDING_REGISTER("holding", 4, 0x03, false, true);

    private final String configName;
    private final int prefix;
    private final int readFunction;
    private final boolean bits;
    private final boolean writable;

    Table(String configName, int prefix, int readFunction, boolean bits, boolean writable) {
        this.configName = configName;
        this.prefix = prefix;
        this.readFunction = readFunction;
        this.bits = bits;
        this.writable = writable;
    }

    /** The word used for {@code table:} in YAML. */
    public String configName() {
        return configName;
    }

    /** The leading digit of Modicon references to this table (0, 1, 3 or 4). */
    public int prefix() {
        return prefix;
    }

    public int readFunction() {
        return readFunction;
    }

    /** True for coils and discrete inputs (one bit per address), false for registers. */
    public boolean isBits() {
        return bits;
    }

    public boolean isWritable() {
        return writable;
    }

    /** Most addresses one read request may cover: 2,000 bits or 125 registers (Modbus application protocol 1.1b3). */
    public int protocolLimit() {
        return bits ? 2000 : 125;
    }

    /** The Modicon reference of a 0-based offset, e.g. holding offset 9 is {@code 40010} (six digits past 9999). */
    public String reference(int offset) {
        int number = offset + 1;
        return number <= 9999 ? prefix + String.format("%04d", number) : prefix + String.format("%05d", number);
    }

    public static Table byPrefix(int digit) {
        for (Table t : values()) {
            if (t.prefix == digit) {
                return t;
            }
        }
        return null;
    }
}
