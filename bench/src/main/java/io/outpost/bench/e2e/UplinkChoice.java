package io.outpost.bench.e2e;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The uplink format of the benchmark's forward rule ({@code --uplink}): one MQTT message per point update as
 * published, or one batch per device and poll in one of the batch formats of docs/uplink.md.
 */
enum UplinkChoice {
    PER_POINT(null, null),
    JSON_BATCH("json-batch", "none"),
    CBOR_BATCH("cbor-batch", "none"),
    CBOR_BATCH_ZSTD("cbor-batch", "zstd"),
    JSON_BATCH_DEFLATE("json-batch", "deflate");

    /**
     * How long a reading may wait for the others of its device. A device's 100 points are read by one poll and
     * queued within a few milliseconds of each other, so 50 ms collects a whole poll into one batch while adding
     * at most 50 ms to a reading's latency (the goal allows 50 ms on top of the poll interval for the whole path).
     */
    static final String MAX_DELAY = "50ms";

    private final String format;
    private final String compression;

    UplinkChoice(String format, String compression) {
        this.format = format;
        this.compression = compression;
    }

    /** {@code per-point}, {@code json-batch}, {@code cbor-batch}, {@code cbor-batch-zstd}, {@code json-batch-deflate}. */
    String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static UplinkChoice named(String label) {
        for (UplinkChoice c : values()) {
            if (c.label().equals(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("--uplink must be one of " + Arrays.stream(values()).map(UplinkChoice::label)
                .collect(Collectors.joining(", ")) + "; found '" + label + "'");
    }

    /** The forward rule from the gateway's {@code bench/#} to the cloud broker, with QoS 1. */
    GatewayYaml.Forward forward() {
        if (format == null) {
            return new GatewayYaml.Forward("bench/#", "cloud/{topic}", 1, "");
        }
        return new GatewayYaml.Forward("bench/#", UpstreamMeter.BATCH_PREFIX + "{device}", 1,
                "format: " + format + ", batch: {by: device, max-delay: " + MAX_DELAY + "}, compression: " + compression);
    }
}
