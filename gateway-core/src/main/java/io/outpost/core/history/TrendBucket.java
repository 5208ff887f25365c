package io.outpost.core.history;

/**
 * One bucket of a point's history: the readings that arrived in {@code [startMillis, startMillis + length)}.
 *
 * @param count   readings with a numeric value (0: only bad readings, then min/max/avg are NaN)
 * @param quality the worst quality in the bucket: {@code good}, {@code uncertain} or {@code bad}
 */
public record TrendBucket(long startMillis, double min, double max, double avg, int count, String quality) {
}
