package io.outpost.mqtt.bridge.config;

import java.util.Optional;

/** The payload formats of packed messages; the codes are stored in queued records and never change. */
public enum BatchFormat {
    /** One message as published, possibly compressed (with a dictionary: small messages shrink too). */
    AS_PUBLISHED(0, "json"),
    JSON_BATCH(1, "json-batch"),
    CBOR_BATCH(2, "cbor-batch"),
    /** Sparkplug B DDATA payloads (protobuf); only in an upstream with {@code mode: sparkplug}. */
    SPARKPLUG(3, "sparkplug"),
    /** Time-series batches against a retained point table (see {@code TsBatchPacker}). */
    TS_BATCH(4, "ts-batch");

    private final int code;
    private final String configName;

    BatchFormat(int code, String configName) {
        this.code = code;
        this.configName = configName;
    }

    public int code() {
        return code;
    }

    public String configName() {
        return configName;
    }

    /** True for formats that carry several readings in one message. */
    public boolean batches() {
        return this != AS_PUBLISHED;
    }

    public static Optional<BatchFormat> ofCode(int code) {
        for (BatchFormat f : values()) {
            if (f.code == code) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
