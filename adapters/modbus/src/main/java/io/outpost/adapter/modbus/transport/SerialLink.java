package io.outpost.adapter.modbus.transport;

import io.outpost.adapter.modbus.config.SerialSettings;
import java.util.concurrent.locks.LockSupport;
import jssc.SerialPort;
import jssc.SerialPortException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local serial port through jssc. jssc has no blocking read with a deadline for "at least one byte", so reads
 * poll the driver's input count at a fraction of a character time (bounded to 0.2-1 ms): cheap on a serial
 * line, and precise enough for the 3.5-character frame gap.
 */
final class SerialLink implements ByteLink {

    private static final Logger LOG = LoggerFactory.getLogger(SerialLink.class);

    private final SerialSettings settings;
    private final long pollNanos;
    private SerialPort port;

    SerialLink(SerialSettings settings) {
        this.settings = settings;
        this.pollNanos = Math.max(200_000L, Math.min(1_000_000L, settings.characterNanos() / 2));
    }

    @Override
    public void open() throws ModbusTransportException {
        close();
        SerialPort p = new SerialPort(settings.port());
        try {
            p.openPort();
            int parity = switch (settings.parity()) {
                case NONE -> SerialPort.PARITY_NONE;
                case EVEN -> SerialPort.PARITY_EVEN;
                case ODD -> SerialPort.PARITY_ODD;
            };
            int stop = settings.stopBits() == 2 ? SerialPort.STOPBITS_2 : SerialPort.STOPBITS_1;
            if (!p.setParams(settings.baudRate(), settings.dataBits(), stop, parity, false, false)) {
                // jssc also reports false when only the modem lines (RTS/DTR) cannot be set, as on pseudo-terminals
                // and some USB adapters, where the line works; if the settings really were refused, requests will
                // time out, and this warning says why.
                LOG.warn("{}: the driver did not confirm the settings {}; if requests time out, check that the port "
                        + "supports them", settings.port(), settings);
            }
            p.setFlowControlMode(SerialPort.FLOWCONTROL_NONE);
            p.purgePort(SerialPort.PURGE_RXCLEAR | SerialPort.PURGE_TXCLEAR);
            port = p;
        } catch (SerialPortException e) {
            closeQuietly(p);
            throw ModbusTransportException.linkDown(ModbusTransportException.PORT_UNAVAILABLE,
                    settings.port() + ": cannot open the serial port: " + e.getExceptionType(), e);
        } catch (UnsatisfiedLinkError e) {
            closeQuietly(p);
            throw ModbusTransportException.linkDown(ModbusTransportException.PORT_UNAVAILABLE,
                    "the serial library has no native code for this platform: " + e.getMessage(), null);
        }
    }

    @Override
    public boolean isOpen() {
        return port != null;
    }

    @Override
    public void write(byte[] data) throws ModbusTransportException {
        try {
            if (!port.writeBytes(data)) {
                close();
                throw ModbusTransportException.linkDown(ModbusTransportException.COMM_LOST, settings.port()
                        + ": the driver accepted only part of the frame", null);
            }
        } catch (SerialPortException e) {
            close();
            throw ModbusTransportException.linkDown(ModbusTransportException.COMM_LOST, settings.port() + ": send failed: "
                    + e.getExceptionType(), e);
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long deadlineNanos) throws ModbusTransportException {
        try {
            while (true) {
                int available = port.getInputBufferBytesCount();
                if (available < 0) {
                    close();
                    throw ModbusTransportException.linkDown(ModbusTransportException.COMM_LOST, settings.port() + ": the port is gone", null);
                }
                if (available > 0) {
                    byte[] got = port.readBytes(Math.min(available, length));
                    System.arraycopy(got, 0, buffer, offset, got.length);
                    return got.length;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw ModbusTransportException.requestFailed(ModbusTransportException.TIMEOUT, settings.port() + ": no answer in time");
                }
                LockSupport.parkNanos(Math.min(left, pollNanos));
                if (Thread.currentThread().isInterrupted()) {
                    // The line is being shut down: give up the request rather than spin until its deadline.
                    close();
                    throw ModbusTransportException.linkDown(ModbusTransportException.COMM_LOST, settings.port() + ": interrupted", null);
                }
            }
        } catch (SerialPortException e) {
            close();
            throw ModbusTransportException.linkDown(ModbusTransportException.COMM_LOST, settings.port() + ": read failed: "
                    + e.getExceptionType(), e);
        }
    }

    @Override
    public void discardInput() throws ModbusTransportException {
        try {
            port.purgePort(SerialPort.PURGE_RXCLEAR);
            int left = port.getInputBufferBytesCount();
            if (left > 0) {
                port.readBytes(left);
            }
        } catch (SerialPortException e) {
            close();
            throw ModbusTransportException.linkDown(ModbusTransportException.COMM_LOST, settings.port() + ": " + e.getExceptionType(), e);
        }
    }

    @Override
    public boolean stillOpen() {
        return port != null;
    }

    @Override
    public String describe() {
        return settings.toString();
    }

    @Override
    public void close() {
        if (port != null) {
            closeQuietly(port);
            port = null;
        }
    }

    private static void closeQuietly(SerialPort p) {
        try {
            if (p.isOpened()) {
                p.closePort();
            }
        } catch (SerialPortException e) {
            // The port is being abandoned (unplugged or failed); closing it can fail the same way and changes nothing.
        }
    }
}
