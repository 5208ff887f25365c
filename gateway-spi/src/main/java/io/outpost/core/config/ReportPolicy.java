package io.outpost.core.config;

import java.time.Duration;

/**
 * When a point's reading becomes a message. By default only changes are reported (report by exception): a
 * different quality, or a value outside the {@code deadband}. {@code heartbeat}, when set, re-sends the current
 * value after that much silence so that consumers can tell "unchanged" from "dead". {@code everyRead} reports
 * every reading.
 */
public record ReportPolicy(Deadband deadband, Duration heartbeat, boolean everyRead) {

    public static final ReportPolicy ON_CHANGE = new ReportPolicy(null, null, false);
}
