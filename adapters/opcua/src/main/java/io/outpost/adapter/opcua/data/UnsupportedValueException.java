package io.outpost.adapter.opcua.data;

/** An OPC UA value the point model cannot hold (a structure, a matrix); its reason becomes the point's quality. */
public final class UnsupportedValueException extends Exception {

    private final String reason;

    public UnsupportedValueException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
