package io.outpost.core.logic.aggregate;

/** What a window reports besides its quality summary; all by default. */
public enum AggregateFunction {
    /** Lowest value the point had during the window (a value carried in from before counts). */
    MIN,
    /** Highest value the point had during the window. */
    MAX,
    /** Arithmetic mean of the readings received in the window. */
    AVG,
    /** Time-weighted average: each value weighted by how long it held, over the time a value was known. */
    TWA,
    /** The value at the start of the window (carried in), else the first reading. */
    FIRST,
    /** The value at the end of the window. */
    LAST,
    /** Readings received in the window, of any quality. */
    COUNT,
    /** Population standard deviation of the readings received in the window. */
    STDDEV
}
