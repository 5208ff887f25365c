package io.outpost.adapter.modbus.codec;

import io.outpost.core.point.Quality;
import io.outpost.core.spi.DeviceException;

/** The device answered with a Modbus exception code; the reason is {@code device-exception:XX}. */
public final class ExceptionResponse extends DeviceException {

    private final int code;

    public ExceptionResponse(int code) {
        super(Quality.deviceException(code).reason(), String.format("device answered exception %02X (%s)", code, name(code)));
        this.code = code;
    }

    public int code() {
        return code;
    }

    static String name(int code) {
        return switch (code) {
            case 0x01 -> "illegal function";
            case 0x02 -> "illegal data address";
            case 0x03 -> "illegal data value";
            case 0x04 -> "server device failure";
            case 0x05 -> "acknowledge";
            case 0x06 -> "server device busy";
            case 0x08 -> "memory parity error";
            case 0x0A -> "gateway path unavailable";
            case 0x0B -> "gateway target device failed to respond";
            default -> "unknown code";
        };
    }
}
