package io.outpost.core.report;

import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Sample;

/** A reading that passed report-by-exception and goes to the mapping stage, with its point's configuration. */
public record Reported(PointConfig point, Sample sample) {
}
