package io.outpost.core.poll;

import io.outpost.core.spi.DeviceStatus;
import java.time.Duration;

/**
 * How a device's loop is doing, for health checks and the console: its status and when it last tried and last
 * succeeded (monotonic nanoseconds; {@link Long#MIN_VALUE} when never).
 *
 * @param expectedGap the longest a healthy loop goes without an attempt: its interval, or its retry backoff, plus
 *                    the timeout
 */
public record DeviceActivity(String device, DeviceStatus status, long lastAttemptNanos, long lastSuccessNanos,
                             int consecutiveFailures, boolean polls, Duration expectedGap) {
}
