package io.outpost.adapter.modbus.config;

/** Which function codes write a single coil or register. */
public enum WriteMode {
    /** FC 5 for one coil, FC 6 for one register; FC 15/16 for values that span several. */
    SINGLE,
    /** FC 15 and FC 16 always, for devices that implement only the multiple-write functions. */
    MULTIPLE
}
