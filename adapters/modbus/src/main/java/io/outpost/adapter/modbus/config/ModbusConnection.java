package io.outpost.adapter.modbus.config;

import io.outpost.core.config.SourceMark;
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
 * @param path           YAML path of the {@code connection:} node, for problems found later; not part of equality
 * @param mark           where the {@code connection:} node was written; not part of equality
 */
public record ModbusConnection(Transport transport, String host, int port, SerialSettings serial,
                               Duration requestTimeout, Duration connectTimeout, String path, SourceMark mark) {

    public ModbusConnection {
        Objects.requireNonNull(transport, "transport");
        path = path == null ? "" : path;
        mark = mark == null ? SourceMark.UNKNOWN : mark;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModbusConnection c && transport == c.transport && Objects.equals(host, c.host)
                && port == c.port && Objects.equals(serial, c.serial) && Objects.equals(requestTimeout, c.requestTimeout)
                && Objects.equals(connectTimeout, c.connectTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(transport, host, port, serial, requestTimeout, connectTimeout);
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
        return new ModbusConnection(Transport.TCP, host, port, null, null, null, "", SourceMark.UNKNOWN);
    }

    public ModbusConnection withTimeouts(Duration request, Duration connect) {
        return new ModbusConnection(transport, host, port, serial, request, connect, path, mark);
    }
}
