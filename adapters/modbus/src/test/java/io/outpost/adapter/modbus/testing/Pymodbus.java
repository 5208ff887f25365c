package io.outpost.adapter.modbus.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.outpost.testing.ExternalProcess;
import io.outpost.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A pymodbus slave (Debian's python3-pymodbus, run by /usr/bin/python3) as an independent peer, seeded with values
 * that pymodbus encodes itself. Writes made by clients appear in its output as {@code SET table unit index values}.
 */
public final class Pymodbus implements AutoCloseable {

    public static final String PYTHON = "/usr/bin/python3";

    private final ExternalProcess process;
    private final int port;

    private Pymodbus(ExternalProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Skips the calling test, with the reason, when python3 or pymodbus is missing. */
    public static void assumeInstalled() {
        assumeTrue(ExternalProcess.available(PYTHON), PYTHON + " is not installed; install python3-pymodbus");
        try {
            // pymodbus.server imports pyserial-asyncio, which Debian only recommends: scripts/test.sh installs both.
            Process p = new ProcessBuilder(PYTHON, "-c", "import pymodbus.server").redirectErrorStream(true).start();
            assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0,
                    "python3 cannot import pymodbus.server; install the Debian packages python3-pymodbus and "
                            + "python3-serial-asyncio");
        } catch (IOException e) {
            Assumptions.abort("cannot run " + PYTHON + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Assumptions.abort("interrupted while checking for pymodbus");
        }
    }

    /** What to load into the slave before it serves. */
    public static final class Spec {
        private final List<String> values = new ArrayList<>();
        private final List<String> registers = new ArrayList<>();
        private final List<String> bits = new ArrayList<>();
        private final List<Integer> units = new ArrayList<>(List.of(1));

        public Spec units(Integer... ids) {
            units.clear();
            units.addAll(List.of(ids));
            return this;
        }

        /** A value pymodbus encodes: type as in YAML (float32, ...), order as in YAML (CDAB, ...). */
        public Spec value(int unit, int index, String type, String order, String literal) {
            values.add(String.format(Locale.ROOT, "{\"unit\":%d,\"index\":%d,\"type\":\"%s\",\"order\":\"%s\",\"value\":%s}",
                    unit, index, type, order, literal));
            return this;
        }

        /** Raw registers; table is hr (holding) or ir (input). */
        public Spec registers(int unit, String table, int index, int... words) {
            registers.add(String.format(Locale.ROOT, "{\"unit\":%d,\"table\":\"%s\",\"index\":%d,\"values\":[%s]}", unit,
                    table, index, java.util.Arrays.stream(words).mapToObj(Integer::toString).collect(Collectors.joining(","))));
            return this;
        }

        /** Bits; table is co (coils) or di (discrete inputs). */
        public Spec bits(int unit, String table, int index, boolean... on) {
            StringBuilder v = new StringBuilder();
            for (boolean b : on) {
                v.append(v.length() == 0 ? "" : ",").append(b);
            }
            bits.add(String.format(Locale.ROOT, "{\"unit\":%d,\"table\":\"%s\",\"index\":%d,\"values\":[%s]}", unit, table,
                    index, v));
            return this;
        }

        String json(String transport) {
            return "{" + transport + ",\"units\":" + units + ",\"values\":[" + String.join(",", values) + "],\"registers\":["
                    + String.join(",", registers) + "],\"bits\":[" + String.join(",", bits) + "]}";
        }
    }

    /** A pymodbus Modbus TCP slave on a free loopback port; returns once it accepts connections. */
    public static Pymodbus tcp(Path dir, Spec spec) throws IOException {
        return tcpOnPort(dir, FreePorts.tcp(), spec);
    }

    /** A pymodbus Modbus TCP slave on a given loopback port (to restart one where it was). */
    public static Pymodbus tcpOnPort(Path dir, int port, Spec spec) throws IOException {
        Pymodbus p = new Pymodbus(start(dir, spec.json("\"transport\":\"tcp\",\"port\":" + port)), port);
        p.awaitListening();
        return p;
    }

    /** A pymodbus RTU slave on one end of a serial pair (8 data bits, 1 stop bit). */
    public static Pymodbus rtu(Path dir, Path device, int baud, char parity, Spec spec) throws IOException {
        return new Pymodbus(start(dir, spec.json("\"transport\":\"rtu\",\"device\":\"" + device + "\",\"baud\":" + baud
                + ",\"parity\":\"" + parity + "\"")), 0);
    }

    private static ExternalProcess start(Path dir, String json) throws IOException {
        Path script = dir.resolve("pymodbus-server.py");
        if (!Files.exists(script)) {
            try (InputStream in = Pymodbus.class.getResourceAsStream("/pymodbus/server.py")) {
                Files.copy(in, script);
            }
        }
        Path spec = Files.createTempFile(dir, "spec", ".json");
        Files.writeString(spec, json);
        ExternalProcess p = ExternalProcess.start("pymodbus", List.of(PYTHON, script.toString(), spec.toString()), dir);
        p.awaitLine(l -> l.contains("READY"), Duration.ofSeconds(60));
        return p;
    }

    private void awaitListening() {
        Awaitility.await("pymodbus listening on " + port).atMost(Duration.ofSeconds(60))
                .until(() -> !process.isAlive() || accepts(port));
        if (!process.isAlive()) {
            throw new AssertionError("pymodbus stopped: " + process.output());
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** Waits for the slave to report a client write, e.g. {@code SET hr 1 19 65461}. */
    public String awaitWrite(String line) {
        return process.awaitLine(l -> l.equals(line), Duration.ofSeconds(30));
    }

    public ExternalProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
