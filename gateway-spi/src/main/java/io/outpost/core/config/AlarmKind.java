package io.outpost.core.config;

import java.util.Locale;

/** The conditions a point can alarm on; the config key of each is its name in lower case with hyphens. */
public enum AlarmKind {
    HI_HI, HI, LO, LO_LO, RATE_OF_CHANGE, STATE, BAD_QUALITY;

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True for the four limit alarms. */
    public boolean isLimit() {
        return this == HI_HI || this == HI || this == LO || this == LO_LO;
    }

    /** True for hi-hi and hi: active above the limit. */
    public boolean isHigh() {
        return this == HI_HI || this == HI;
    }
}
