package io.outpost.adapter.modbus.transport;

import io.outpost.adapter.modbus.codec.ExceptionResponse;
import io.outpost.adapter.modbus.codec.MalformedResponse;
import io.outpost.adapter.modbus.codec.ModbusPdu;
import io.outpost.adapter.modbus.codec.ValueCodec;
import io.outpost.adapter.modbus.config.ModbusByteOrder;
import io.outpost.adapter.modbus.config.ModbusPoint;
import io.outpost.adapter.modbus.config.Table;
import io.outpost.core.point.DataType;
import java.util.Arrays;

/**
 * What both Modbus fuzz targets do with an input: byte 0 picks the table, byte 1 the quantity asked for, the rest
 * is the device's answer. A read either fails as a device problem (timeout, malformed frame, CRC error,
 * exception response) or yields a response from which every value of every type decodes.
 */
final class ResponseFuzzing {

    private static final Table[] TABLES = Table.values();
    private static final DataType[] REGISTER_TYPES = {DataType.INT16, DataType.UINT16, DataType.INT32,
            DataType.UINT32, DataType.FLOAT32, DataType.INT64, DataType.UINT64, DataType.FLOAT64, DataType.STRING};

    private ResponseFuzzing() {
    }

    static void exchange(ModbusTransport transport, byte[] input) {
        if (input.length < 2) {
            return;
        }
        Table table = TABLES[(input[0] & 0xFF) % TABLES.length];
        int quantity = 1 + (input[1] & 0xFF) % (table.isBits() ? 2000 : 125);
        byte[] request = ModbusPdu.read(table, 0, quantity);
        byte[] response;
        try {
            response = transport.exchange(1, request);
            ModbusPdu.check(request, response);
        } catch (ModbusTransportException | ExceptionResponse | MalformedResponse deviceProblem) {
            return;
        }
        for (int i = 0; i < quantity; i++) {
            if (table.isBits()) {
                ModbusPdu.bit(response, i);
                continue;
            }
            for (DataType type : REGISTER_TYPES) {
                int length = type == DataType.STRING ? 2 * (quantity - i) : 0;
                if (ModbusPoint.registersOf(type, length) <= quantity - i) {
                    for (ModbusByteOrder order : ModbusByteOrder.values()) {
                        ValueCodec.decodeRegisters(type, order, length, response, 2 + 2 * i);
                    }
                }
            }
        }
    }

    static byte[] answer(byte[] input) {
        return input.length < 2 ? new byte[0] : Arrays.copyOfRange(input, 2, input.length);
    }
}
