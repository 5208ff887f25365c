package io.outpost.adapter.modbus.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach a device, validated.
 *
 * @param host           TCP host (tcp, rtu-over-tcp), null for serial
 * @param port           TCP port, 0 for serial
 * @param serial         the serial line (rtu), null for TCP transports
 * @param requestTimeout longest wait for an answer to one request; null means derived from the device timeout
 * @param connectTimeout longest wait for a TCP connection or a serial port to open; null means derived
 */
public record ModbusConnection(Transport transport, String host, int port, SerialSettings serial,
                               Duration requestTimeout, Duration connectTimeout) {

    public ModbusConnection {
        Objects.requireNonNull(transport, "transport");
    }

    /**
     * The key under which devices share this link: a serial port, or a serial-to-Ethernet converter's address (its
     * RS-485 side carries one request at a time). Modbus TCP devices each get their own connection: empty.
     */
    public String sharedLineKey() {
        return switch (transport) {
            case RTU -> "modbus-serial:" + serial.port();
            case RTU_OVER_TCP -> "modbus-rtu-over-tcp:" + host + ":" + port;
            case TCP -> "";
        };
    }

    /** For messages: {@code 127.0.0.1:502} or {@code /dev/ttyUSB0 19200 8E1}. */
    public String describe() {
        return transport == Transport.RTU ? serial.toString()
                : (transport == Transport.TCP ? "" : "rtu-over-tcp ") + host + ":" + port;
    }

    public static ModbusConnection tcp(String host, int port) {
        return new ModbusConnection(Transport.TCP, host, port, null, null, null);
    }

    public ModbusConnection withTimeouts(Duration request, Duration connect) {
        return new ModbusConnection(transport, host, port, serial, request, connect);
    }
}
