package io.outpost.adapter.modbus.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A TCP connection to a Modbus TCP server or a serial-to-Ethernet converter. */
final class SocketLink implements ByteLink {

    private final String host;
    private final int port;
    private final int connectTimeoutMillis;
    private Socket socket;
    private PushbackInputStream in;
    private OutputStream out;
    private int soTimeout = -1;

    SocketLink(String host, int port, Duration connectTimeout) {
        this.host = host;
        this.port = port;
        this.connectTimeoutMillis = (int) Math.max(1, connectTimeout.toMillis());
    }

    @Override
    public void open() throws ModbusTransportException {
        close();
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw ModbusTransportException.linkDown(ModbusTransportException.HOST_UNKNOWN, "cannot resolve host " + host, null);
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(address, connectTimeoutMillis);
            in = new PushbackInputStream(s.getInputStream(), 1);
            out = s.getOutputStream();
            socket = s;
            soTimeout = -1;
        } catch (IOException e) {
            closeQuietly(s);
            throw connectFailure(e);
        }
    }

    private ModbusTransportException connectFailure(IOException e) {
        String where = describe() + ": ";
        if (e instanceof SocketTimeoutException) {
            return ModbusTransportException.linkDown(ModbusTransportException.CONNECT_TIMEOUT,
                    where + "no connection within " + connectTimeoutMillis + " ms", e);
        }
        if (e instanceof UnknownHostException) {
            return ModbusTransportException.linkDown(ModbusTransportException.HOST_UNKNOWN, where + e.getMessage(), e);
        }
        if (e instanceof NoRouteToHostException) {
            return ModbusTransportException.linkDown(ModbusTransportException.HOST_UNREACHABLE, where + e.getMessage(), e);
        }
        if (e instanceof ConnectException) {
            return ModbusTransportException.linkDown(ModbusTransportException.CONNECT_REFUSED, where + e.getMessage(), e);
        }
        return ModbusTransportException.linkDown(ModbusTransportException.COMM_LOST, where + e, e);
    }

    @Override
    public boolean isOpen() {
        return socket != null;
    }

    @Override
    public void write(byte[] data) throws ModbusTransportException {
        try {
            out.write(data);
        } catch (IOException e) {
            close();
            throw ModbusTransportException.linkDown(ModbusTransportException.COMM_LOST, describe() + ": send failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length, long deadlineNanos) throws ModbusTransportException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw ModbusTransportException.requestFailed(ModbusTransportException.TIMEOUT, describe() + ": no answer in time");
        }
        try {
            setTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
            int n = in.read(buffer, offset, length);
            if (n < 0) {
                close();
                throw ModbusTransportException.linkDown(ModbusTransportException.COMM_LOST, describe() + ": the device closed the connection", null);
            }
            return n;
        } catch (SocketTimeoutException e) {
            throw ModbusTransportException.requestFailed(ModbusTransportException.TIMEOUT, describe() + ": no answer in time");
        } catch (IOException e) {
            close();
            throw ModbusTransportException.linkDown(ModbusTransportException.COMM_LOST, describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void discardInput() throws ModbusTransportException {
        try {
            int available = in.available();
            if (available > 0) {
                in.skip(available);
            }
        } catch (IOException e) {
            close();
            throw ModbusTransportException.linkDown(ModbusTransportException.COMM_LOST, describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean stillOpen() {
        if (socket == null) {
            return false;
        }
        try {
            if (in.available() > 0) {
                return true;
            }
            setTimeout(1);
            int b = in.read();
            if (b < 0) {
                return false;
            }
            in.unread(b);
            return true;
        } catch (SocketTimeoutException quiet) {
            // Nothing to read and no end of stream: the usual state of a healthy idle connection.
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void setTimeout(int millis) throws IOException {
        if (millis != soTimeout) {
            socket.setSoTimeout(millis);
            soTimeout = millis;
        }
    }

    @Override
    public String describe() {
        return host + ":" + port;
    }

    @Override
    public void close() {
        if (socket != null) {
            closeQuietly(socket);
            socket = null;
            in = null;
            out = null;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // Closing a socket we give up on: there is nothing left to do with it either way.
        }
    }
}
