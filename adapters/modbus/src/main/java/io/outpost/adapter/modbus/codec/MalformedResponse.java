package io.outpost.adapter.modbus.codec;

import io.outpost.core.spi.DeviceException;

/** A response that does not fit its request (wrong function code, byte count or echo); reason {@code malformed-frame}. */
public final class MalformedResponse extends DeviceException {

    public static final String REASON = "malformed-frame";

    public MalformedResponse(String message) {
        super(REASON, message);
    }
}
