package io.outpost.adapter.modbus.read;

import io.outpost.adapter.modbus.codec.MalformedResponse;
import io.outpost.adapter.modbus.codec.ModbusPdu;
import io.outpost.adapter.modbus.codec.ValueCodec;
import io.outpost.adapter.modbus.config.ModbusPoint;
import io.outpost.adapter.modbus.config.Table;
import io.outpost.adapter.modbus.config.WriteMode;
import io.outpost.adapter.modbus.line.LineTask;
import io.outpost.adapter.modbus.line.ModbusLine;
import io.outpost.adapter.modbus.transport.ModbusTransportException;
import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Value;
import io.outpost.core.spi.DeviceException;
import java.util.concurrent.CompletableFuture;

/**
 * Writes one value: FC 5 for a coil and FC 6 for a one-register value (FC 15/16 when the device's write mode is
 * {@code multiple}), FC 16 for values spanning several registers, and read-modify-write (FC 3 then FC 6/16) for a
 * bit inside a holding register. A write is sent at most once: it is never retried behind the caller's back,
 * and a connection the device dropped while idle is reopened before the write goes out, not after it failed.
 */
public final class WriteJob implements LineTask {

    private final ModbusSession session;
    private final PointConfig point;
    private final Value value;
    private final CompletableFuture<Void> result;

    public WriteJob(ModbusSession session, PointConfig point, Value value, CompletableFuture<Void> result) {
        this.session = session;
        this.point = point;
        this.value = value;
        this.result = result;
    }

    @Override
    public Object owner() {
        return session;
    }

    @Override
    public boolean isWrite() {
        return true;
    }

    @Override
    public boolean step(ModbusLine line) {
        line.transport().refreshIfIdle();
        try {
            write(line, point.settings(ModbusPoint.class));
            session.answered();
            result.complete(null);
        } catch (ModbusTransportException e) {
            session.failed();
            if (e.linkDown()) {
                session.linkLost(e.reason());
            }
            result.completeExceptionally(e);
        } catch (MalformedResponse e) {
            line.transport().disconnect();
            session.failed();
            result.completeExceptionally(e);
        } catch (DeviceException e) {
            session.refused();
            result.completeExceptionally(e);
        }
        return true;
    }

    private void write(ModbusLine line, ModbusPoint p) throws DeviceException {
        boolean single = session.device().writeMode() == WriteMode.SINGLE;
        int unit = p.unitId();
        byte[] pdu;
        if (p.table() == Table.COIL) {
            boolean on = ValueCodec.bool(value);
            pdu = single ? ModbusPdu.writeSingleCoil(p.offset(), on) : ModbusPdu.writeMultipleCoils(p.offset(), new boolean[] {on});
        } else if (p.table() != Table.HOLDING_REGISTER) {
            throw new DeviceException("not-writable", point.ref() + " is a " + p.table().configName()
                    + (p.table().isBits() ? " input" : " register") + ", which is read-only");
        } else if (p.address().hasBit()) {
            pdu = registerWrite(p.offset(), withBit(line, p), single);
        } else {
            pdu = registerWrite(p.offset(), ValueCodec.encode(p, value), single);
        }
        exchange(line, unit, pdu);
    }

    /** Reads the register and flips one bit; done on the line's thread, so no other request of ours comes between. */
    private byte[] withBit(ModbusLine line, ModbusPoint p) throws DeviceException {
        boolean on = ValueCodec.bool(value);
        byte[] current = exchange(line, p.unitId(), ModbusPdu.read(Table.HOLDING_REGISTER, p.offset(), 1));
        int register = ((current[2] & 0xFF) << 8) | (current[3] & 0xFF);
        int mask = 1 << p.address().bit();
        register = on ? register | mask : register & ~mask;
        return new byte[] {(byte) (register >>> 8), (byte) register};
    }

    private static byte[] registerWrite(int offset, byte[] registers, boolean single) {
        return single && registers.length == 2 ? ModbusPdu.writeSingleRegister(offset, registers)
                : ModbusPdu.writeMultipleRegisters(offset, registers);
    }

    private byte[] exchange(ModbusLine line, int unit, byte[] pdu) throws DeviceException {
        byte[] response = line.exchange(unit, pdu, session.device().requestDelay());
        ModbusPdu.check(pdu, response);
        return response;
    }

    @Override
    public void abort(DeviceException reason) {
        result.completeExceptionally(reason);
    }
}
