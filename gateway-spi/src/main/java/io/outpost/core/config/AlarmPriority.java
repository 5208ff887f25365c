package io.outpost.core.config;

import java.util.Locale;

/**
 * How urgent an alarm is. Four levels, as ISA-18.2 advises (few priorities, each with a defined operator response
 * time); {@link #rank()} orders the alarm list, 1 first.
 */
public enum AlarmPriority {
    CRITICAL(1), HIGH(2), MEDIUM(3), LOW(4);

    private final int rank;

    AlarmPriority(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
