package io.outpost.adapter.modbus.config;

/**
 * A serial line's settings. Modbus RTU needs eight data bits; the character time that sets the 3.5-character
 * frame gap follows from baud rate, parity and stop bits.
 */
public record SerialSettings(String port, int baudRate, Parity parity, int dataBits, int stopBits) {

    public enum Parity { NONE, EVEN, ODD }

    /** Nanoseconds one character takes on the wire: start bit, data bits, parity bit, stop bits. */
    public long characterNanos() {
        int bits = 1 + dataBits + (parity == Parity.NONE ? 0 : 1) + stopBits;
        return bits * 1_000_000_000L / baudRate;
    }

    /**
     * The silence that separates frames: 3.5 characters, but at least 1.75 ms, which the Modbus serial line
     * specification fixes for rates above 19,200 baud.
     */
    public long frameGapNanos() {
        return baudRate > 19_200 ? 1_750_000L : characterNanos() * 7 / 2;
    }

    @Override
    public String toString() {
        return port + " " + baudRate + " " + dataBits + parity.name().charAt(0) + stopBits;
    }
}
