package io.outpost.core.logic.alarm;

import io.outpost.core.point.Quality;
import io.outpost.core.point.Value;

/**
 * An on- or off-delay that was running when the alarm was saved: the state the alarm is heading for, when the delay
 * ends (wall time, ms since the epoch: the monotonic clock does not survive a restart), and the reading that started
 * it (for the event when the delay ends; either may be null).
 */
record PendingDelay(boolean target, long untilMillis, Value value, Quality quality) {
}
