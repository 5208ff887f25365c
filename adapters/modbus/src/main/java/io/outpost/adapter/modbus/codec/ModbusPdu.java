package io.outpost.adapter.modbus.codec;

import io.outpost.adapter.modbus.config.Table;

/**
 * Builds request PDUs (function code and data, without unit id or framing) and checks response PDUs against the
 * request they answer. A response that does not fit its request is malformed: it fails that request, never
 * yields a value.
 */
public final class ModbusPdu {

    public static final int READ_COILS = 0x01;
    public static final int READ_DISCRETE_INPUTS = 0x02;
    public static final int READ_HOLDING_REGISTERS = 0x03;
    public static final int READ_INPUT_REGISTERS = 0x04;
    public static final int WRITE_SINGLE_COIL = 0x05;
    public static final int WRITE_SINGLE_REGISTER = 0x06;
    public static final int WRITE_MULTIPLE_COILS = 0x0F;
    public static final int WRITE_MULTIPLE_REGISTERS = 0x10;

    /** Modbus exception codes the adapter reacts to. */
    public static final int ILLEGAL_FUNCTION = 0x01;
    public static final int ILLEGAL_DATA_ADDRESS = 0x02;
    public static final int ILLEGAL_DATA_VALUE = 0x03;
    public static final int GATEWAY_PATH_UNAVAILABLE = 0x0A;
    public static final int GATEWAY_TARGET_FAILED = 0x0B;

    private ModbusPdu() {
    }

    public static byte[] read(Table table, int start, int count) {
        return new byte[] {(byte) table.readFunction(), (byte) (start >>> 8), (byte) start, (byte) (count >>> 8),
                (byte) count};
    }

    public static byte[] writeSingleCoil(int address, boolean on) {
        return new byte[] {WRITE_SINGLE_COIL, (byte) (address >>> 8), (byte) address, (byte) (on ? 0xFF : 0), 0};
    }

    /** {@code value} holds the register's two bytes, high byte first. */
    public static byte[] writeSingleRegister(int address, byte[] value) {
        return new byte[] {WRITE_SINGLE_REGISTER, (byte) (address >>> 8), (byte) address, value[0], value[1]};
    }

    public static byte[] writeMultipleCoils(int address, boolean[] bits) {
        int bytes = (bits.length + 7) / 8;
        byte[] pdu = new byte[6 + bytes];
        pdu[0] = WRITE_MULTIPLE_COILS;
        pdu[1] = (byte) (address >>> 8);
        pdu[2] = (byte) address;
        pdu[3] = (byte) (bits.length >>> 8);
        pdu[4] = (byte) bits.length;
        pdu[5] = (byte) bytes;
        for (int i = 0; i < bits.length; i++) {
            if (bits[i]) {
                pdu[6 + i / 8] |= (byte) (1 << (i % 8));
            }
        }
        return pdu;
    }

    /** {@code registers} holds the registers' bytes in wire order (two per register). */
    public static byte[] writeMultipleRegisters(int address, byte[] registers) {
        int count = registers.length / 2;
        byte[] pdu = new byte[6 + registers.length];
        pdu[0] = WRITE_MULTIPLE_REGISTERS;
        pdu[1] = (byte) (address >>> 8);
        pdu[2] = (byte) address;
        pdu[3] = (byte) (count >>> 8);
        pdu[4] = (byte) count;
        pdu[5] = (byte) registers.length;
        System.arraycopy(registers, 0, pdu, 6, registers.length);
        return pdu;
    }

    /**
     * Checks {@code response} against {@code request}. Returns normally for a fitting answer (for reads, the data
     * starts at index 2 of the response); throws {@link ExceptionResponse} when the device refused, or
     * {@link MalformedResponse} when the answer does not fit.
     */
    public static void check(byte[] request, byte[] response) throws ExceptionResponse, MalformedResponse {
        int function = request[0] & 0xFF;
        if (response.length < 2) {
            throw new MalformedResponse("response of " + response.length + " byte(s) is too short");
        }
        int answered = response[0] & 0xFF;
        if (answered == (function | 0x80)) {
            if (response.length != 2) {
                throw new MalformedResponse("exception response of " + response.length + " bytes, expected 2");
            }
            throw new ExceptionResponse(response[1] & 0xFF);
        }
        if (answered != function) {
            throw new MalformedResponse(String.format("function code 0x%02X answers a request with 0x%02X", answered, function));
        }
        switch (function) {
            case READ_COILS, READ_DISCRETE_INPUTS, READ_HOLDING_REGISTERS, READ_INPUT_REGISTERS -> {
                int count = u16(request, 3);
                int expected = function <= READ_DISCRETE_INPUTS ? (count + 7) / 8 : count * 2;
                int byteCount = response[1] & 0xFF;
                if (byteCount != expected || response.length != 2 + byteCount) {
                    throw new MalformedResponse("read of " + count + (function <= READ_DISCRETE_INPUTS ? " bits" : " registers")
                            + " answered with byte count " + byteCount + " and " + (response.length - 2)
                            + " data bytes, expected " + expected);
                }
            }
            case WRITE_SINGLE_COIL, WRITE_SINGLE_REGISTER -> {
                if (response.length != 5 || !sameBytes(request, response, 5)) {
                    throw new MalformedResponse("write answer does not echo the request");
                }
            }
            case WRITE_MULTIPLE_COILS, WRITE_MULTIPLE_REGISTERS -> {
                if (response.length != 5 || !sameBytes(request, response, 5)) {
                    throw new MalformedResponse("write answer does not echo the address and quantity");
                }
            }
            default -> throw new IllegalArgumentException("unsupported function code " + function);
        }
    }

    /** The bit at {@code index} of a read-bits response (data from index 2, least significant bit first). */
    public static boolean bit(byte[] response, int index) {
        return (response[2 + index / 8] & (1 << (index % 8))) != 0;
    }

    /**
     * How many bytes follow the function code in a response to {@code function}, as far as the first ones tell:
     * RTU frames carry no length, so a reader has to know. Returns -1 when the byte count is needed first.
     */
    public static int fixedResponseBody(int function) {
        return switch (function) {
            case WRITE_SINGLE_COIL, WRITE_SINGLE_REGISTER, WRITE_MULTIPLE_COILS, WRITE_MULTIPLE_REGISTERS -> 4;
            case READ_COILS, READ_DISCRETE_INPUTS, READ_HOLDING_REGISTERS, READ_INPUT_REGISTERS -> -1;
            default -> throw new IllegalArgumentException("unsupported function code " + function);
        };
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    private static boolean sameBytes(byte[] a, byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
