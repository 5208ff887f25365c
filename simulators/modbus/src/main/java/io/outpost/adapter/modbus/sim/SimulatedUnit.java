package io.outpost.adapter.modbus.sim;

import com.ghgande.j2mod.modbus.procimg.DigitalIn;
import com.ghgande.j2mod.modbus.procimg.DigitalOut;
import com.ghgande.j2mod.modbus.procimg.IllegalAddressException;
import com.ghgande.j2mod.modbus.procimg.InputRegister;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.ghgande.j2mod.modbus.procimg.SimpleDigitalIn;
import com.ghgande.j2mod.modbus.procimg.SimpleDigitalOut;
import com.ghgande.j2mod.modbus.procimg.SimpleInputRegister;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory of one simulated unit (slave id): every table with {@code size} addresses, all zero at first. Counts
 * the requests it serves, can refuse chosen addresses with exception 02 (a device with holes in its map) and can
 * answer late (a slow or dead device). Thread-safe: the slave's threads read it while tests and the demo
 * process write it.
 */
public final class SimulatedUnit extends SimpleProcessImage {

    private record Hole(DataTable table, int first, int last) {
    }

    private final List<Hole> holes = new ArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private volatile long delayNanos;

    SimulatedUnit(int unitId, int size) {
        super(unitId);
        for (int i = 0; i < size; i++) {
            addDigitalOut(new SimpleDigitalOut(false));
            addDigitalIn(new SimpleDigitalIn(false));
            addInputRegister(new SimpleInputRegister(0));
            addRegister(new SimpleRegister(0));
        }
    }

    // ------------------------------------------------------------------ API for tests and the demo

    /** Sets a register (holding or input) to the low 16 bits of {@code value}. */
    public void setRegister(DataTable table, int offset, int value) {
        if (table == DataTable.HOLDING_REGISTER) {
            registers.get(offset).setValue(value & 0xFFFF);
        } else if (table == DataTable.INPUT_REGISTER) {
            ((SimpleInputRegister) inputRegisters.get(offset)).setValue(value & 0xFFFF);
        } else {
            throw new IllegalArgumentException(table + " holds bits, not registers");
        }
    }

    /** Sets consecutive registers from {@code offset}. */
    public void setRegisters(DataTable table, int offset, int... values) {
        for (int i = 0; i < values.length; i++) {
            setRegister(table, offset + i, values[i]);
        }
    }

    public int register(DataTable table, int offset) {
        return switch (table) {
            case HOLDING_REGISTER -> registers.get(offset).toUnsignedShort();
            case INPUT_REGISTER -> inputRegisters.get(offset).toUnsignedShort();
            default -> throw new IllegalArgumentException(table + " holds bits, not registers");
        };
    }

    public void setBit(DataTable table, int offset, boolean on) {
        switch (table) {
            case COIL -> digitalOuts.get(offset).set(on);
            case DISCRETE_INPUT -> ((SimpleDigitalIn) digitalIns.get(offset)).set(on);
            default -> throw new IllegalArgumentException(table + " holds registers, not bits");
        }
    }

    public boolean bit(DataTable table, int offset) {
        return switch (table) {
            case COIL -> digitalOuts.get(offset).isSet();
            case DISCRETE_INPUT -> digitalIns.get(offset).isSet();
            default -> throw new IllegalArgumentException(table + " holds registers, not bits");
        };
    }

    /** Requests touching {@code first..last} of {@code table} are refused with exception 02 (illegal address). */
    public synchronized void refuse(DataTable table, int first, int last) {
        holes.add(new Hole(table, first, last));
    }

    /** Every answer is held back this long (0 for none); longer than the client's timeout makes a dead device. */
    public void delayAnswers(long delay, TimeUnit unit) {
        this.delayNanos = unit.toNanos(delay);
    }

    /** Requests served (reads and writes, refused ones included). */
    public long requests() {
        return requests.get();
    }

    // ------------------------------------------------------------------ what the slave calls

    @Override
    public DigitalOut[] getDigitalOutRange(int ref, int count) {
        serve(DataTable.COIL, ref, count, digitalOuts.size());
        DigitalOut[] out = new DigitalOut[count];
        for (int i = 0; i < count; i++) {
            out[i] = digitalOuts.get(ref + i);
        }
        return out;
    }

    @Override
    public DigitalOut getDigitalOut(int ref) {
        serve(DataTable.COIL, ref, 1, digitalOuts.size());
        return digitalOuts.get(ref);
    }

    @Override
    public DigitalIn[] getDigitalInRange(int ref, int count) {
        serve(DataTable.DISCRETE_INPUT, ref, count, digitalIns.size());
        DigitalIn[] out = new DigitalIn[count];
        for (int i = 0; i < count; i++) {
            out[i] = digitalIns.get(ref + i);
        }
        return out;
    }

    @Override
    public InputRegister[] getInputRegisterRange(int ref, int count) {
        serve(DataTable.INPUT_REGISTER, ref, count, inputRegisters.size());
        InputRegister[] out = new InputRegister[count];
        for (int i = 0; i < count; i++) {
            out[i] = inputRegisters.get(ref + i);
        }
        return out;
    }

    @Override
    public Register[] getRegisterRange(int ref, int count) {
        serve(DataTable.HOLDING_REGISTER, ref, count, registers.size());
        Register[] out = new Register[count];
        for (int i = 0; i < count; i++) {
            out[i] = registers.get(ref + i);
        }
        return out;
    }

    @Override
    public Register getRegister(int ref) {
        serve(DataTable.HOLDING_REGISTER, ref, 1, registers.size());
        return registers.get(ref);
    }

    private void serve(DataTable table, int ref, int count, int size) {
        requests.incrementAndGet();
        long delay = delayNanos;
        if (delay > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ref < 0 || count < 1 || ref + count > size) {
            throw new IllegalAddressException();
        }
        synchronized (this) {
            for (Hole h : holes) {
                if (h.table == table && ref <= h.last && ref + count - 1 >= h.first) {
                    throw new IllegalAddressException();
                }
            }
        }
    }
}
