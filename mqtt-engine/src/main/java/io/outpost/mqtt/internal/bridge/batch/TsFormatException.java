package io.outpost.mqtt.internal.bridge.batch;

/** A {@code ts-batch} or point table payload that does not follow the format; the message says where it breaks. */
final class TsFormatException extends RuntimeException {

    public TsFormatException(String message) {
        super(message);
    }
}
