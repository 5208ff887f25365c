package io.outpost.adapter.modbus.transport;

import io.outpost.adapter.modbus.config.ModbusConnection;
import io.outpost.adapter.modbus.config.SerialSettings;
import java.time.Duration;

/** Builds the transport a connection setting asks for. */
public final class Transports {

    private Transports() {
    }

    /**
     * A transport that connects on its first exchange.
     *
     * @param requestTimeout longest wait for one answer
     * @param connectTimeout longest wait for a TCP connection
     */
    public static ModbusTransport create(ModbusConnection c, Duration requestTimeout, Duration connectTimeout) {
        return switch (c.transport()) {
            case TCP -> new MbapTransport(new SocketLink(c.host(), c.port(), connectTimeout), requestTimeout);
            case RTU_OVER_TCP -> new RtuTransport(new SocketLink(c.host(), c.port(), connectTimeout), requestTimeout, 0, 0);
            case RTU -> {
                SerialSettings s = c.serial();
                yield new RtuTransport(new SerialLink(s), requestTimeout, s.characterNanos(), s.frameGapNanos());
            }
        };
    }
}
