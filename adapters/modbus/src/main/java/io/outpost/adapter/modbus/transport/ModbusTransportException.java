package io.outpost.adapter.modbus.transport;

import io.outpost.core.point.Quality;
import io.outpost.core.spi.DeviceException;

/**
 * A request that got no usable answer. {@link #linkDown()} tells whether the connection or port is gone (connect
 * failed, peer closed, port unplugged: every request fails until it is back) or only this request failed
 * (timeout, malformed frame, CRC error).
 */
public final class ModbusTransportException extends DeviceException {

    public static final String TIMEOUT = Quality.TIMEOUT;
    public static final String COMM_LOST = Quality.COMM_LOST;
    public static final String CONNECT_REFUSED = "connect-refused";
    public static final String CONNECT_TIMEOUT = "connect-timeout";
    public static final String HOST_UNKNOWN = "host-unknown";
    public static final String HOST_UNREACHABLE = "host-unreachable";
    public static final String PORT_UNAVAILABLE = "port-unavailable";
    public static final String MALFORMED = "malformed-frame";
    public static final String CRC_ERROR = "crc-error";

    private final boolean linkDown;

    private ModbusTransportException(String reason, String message, boolean linkDown, Throwable cause) {
        super(reason, message, cause);
        this.linkDown = linkDown;
    }

    /** The connection or port is gone. */
    public static ModbusTransportException linkDown(String reason, String message, Throwable cause) {
        return new ModbusTransportException(reason, message, true, cause);
    }

    /** This request failed; the link may still be usable. */
    public static ModbusTransportException requestFailed(String reason, String message) {
        return new ModbusTransportException(reason, message, false, null);
    }

    public boolean linkDown() {
        return linkDown;
    }

    public boolean isTimeout() {
        return TIMEOUT.equals(reason());
    }
}
