package io.outpost.adapter.modbus.sim;

/**
 * The four data tables of a Modbus device, in the simulator's own terms: the simulator does not share the adapter's
 * types, so that a test compares the adapter with an independent view of the device. Offsets are 0-based, as on
 * the wire (holding register offset 9 is Modicon reference 40010).
 */
public enum DataTable {
    /** Read/write bits (function codes 01, 05, 15). */
    COIL,
    /** Read-only bits (function code 02). */
    DISCRETE_INPUT,
    /** Read-only 16-bit registers (function code 04). */
    INPUT_REGISTER,
    /** Read/write 16-bit registers (function codes 03, 06, 16). */
    HOLDING_REGISTER
}
