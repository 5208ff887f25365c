package io.outpost.adapter.modbus.testing;

/** Register maps shared by the planner tests, the slave tests and the benchmark. */
public final class RegisterMaps {

    private RegisterMaps() {
    }

    /** A typical register map: floats, counters and status words with small holes, coils and inputs. */
    public static final String TYPICAL = """
            - {id: level, address: 40001, type: float32, byte-order: CDAB}
            - {id: temp, address: 40003, type: float32}
            - {id: status, address: 40006, type: uint16}
            - {id: alarm, address: 40006.3, type: bool}
            - {id: energy, address: 40011, type: uint32}
            - {id: setpoint, address: 40020, type: int16, writable: true}
            - {id: pump, address: 00001}
            - {id: valve, address: 00003}
            - {id: running, address: 10001}
            - {id: fault, address: 10009}
            - {id: flow, address: 30001, type: uint16}
            - {id: pressure, address: 30002, type: int16}
            - {id: total, address: 30010, type: float64}
            """;

}
