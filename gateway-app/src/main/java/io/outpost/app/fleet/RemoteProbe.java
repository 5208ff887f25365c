package io.outpost.app.fleet;

import io.outpost.adapter.modbus.config.ModbusAddress;
import io.outpost.adapter.modbus.config.ModbusConnection;
import io.outpost.adapter.modbus.config.ModbusDevice;
import io.outpost.adapter.modbus.probe.ModbusProbe;
import io.outpost.adapter.modbus.probe.ProbeReport;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.spi.DeviceException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * {@code probe}: reads a Modbus register range once and answers every interpretation, as {@code outpost probe}
 * does (the same {@link ModbusProbe}). Arguments: {@code device} (a modbus device of the running configuration: its
 * connection and unit), {@code address} (Modicon reference, {@code 40001}), {@code count} (default 4),
 * {@code unit}, {@code expect}, {@code timeout} (seconds, default 3, at most 10); or {@code host} and {@code port}
 * instead of {@code device}, which reach only a configured device's host and port or loopback unless
 * {@code fleet.commands.discovery} is on: a cloud user must not scan the plant network through the gateway.
 * Read-only; a time-bounded connection of its own beside the adapter's.
 */
final class RemoteProbe implements RemoteCommand {

    private final FleetHost host;
    private final Supplier<FleetConfig> fleet;

    RemoteProbe(FleetHost host, Supplier<FleetConfig> fleet) {
        this.host = host;
        this.fleet = fleet;
    }

    @Override
    public String name() {
        return "probe";
    }

    @Override
    public boolean signed() {
        return false;
    }

    @Override
    public FleetJson.Body run(CommandRequest request) throws CommandFailure {
        Duration timeout = Duration.ofSeconds(request.integer("timeout", 3, 1, 10));
        ModbusConnection connection;
        int unit;
        String deviceId = request.optional("device");
        if (deviceId != null) {
            DeviceConfig device = host.config().device(deviceId).filter(d -> d.protocol().equals("modbus"))
                    .orElseThrow(() -> new CommandFailure("unknown-device", "no modbus device " + deviceId
                            + " in the running configuration"));
            ModbusDevice settings = device.settings(ModbusDevice.class);
            connection = settings.connection();
            unit = request.integer("unit", settings.unitId(), 0, 255);
        } else {
            String targetHost = request.required("host");
            int port = request.integer("port", 502, 1, 65_535);
            checkAllowed(targetHost, port);
            connection = ModbusConnection.tcp(targetHost, port);
            unit = request.integer("unit", 1, 0, 255);
        }
        ModbusAddress.Parsed parsed = ModbusAddress.parse(request.required("address"));
        if (parsed.problem() != null) {
            throw new CommandFailure("malformed", "address: " + parsed.problem());
        }
        Object expect = request.value("expect");
        ModbusProbe.Request probe;
        try {
            probe = new ModbusProbe.Request(connection, unit, parsed.address().table(), parsed.address().offset(),
                    request.integer("count", 4, 1, 2000), timeout,
                    expect instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty());
        } catch (IllegalArgumentException e) {
            throw new CommandFailure("malformed", e.getMessage());
        }
        ProbeReport report;
        try {
            report = ModbusProbe.probe(probe);
        } catch (DeviceException e) {
            throw new CommandFailure(e.reason(), e.getMessage());
        }
        int[] registers = report.registers();
        String table = report.toTable();
        int budget = RemoteCommands.MAX_RESPONSE_BYTES / 2;
        boolean truncated = table.length() > budget;
        String shown = truncated ? table.substring(0, budget) : table;
        return g -> {
            g.writeStringField("target", connection.describe());
            g.writeNumberField("unit", unit);
            g.writeArrayFieldStart("registers");
            for (int r : registers) {
                g.writeNumber(r);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("matches");
            for (ProbeReport.Match m : report.matches()) {
                g.writeString(m.toString());
            }
            g.writeEndArray();
            g.writeStringField("table", shown);
            g.writeBooleanField("truncated", truncated);
        };
    }

    /** Loopback, a configured device's own host and port, or anything when discovery is allowed. */
    private void checkAllowed(String targetHost, int port) throws CommandFailure {
        if (fleet.get().discovery()) {
            return;
        }
        boolean configured = host.config().devices().stream().filter(d -> d.protocol().equals("modbus"))
                .map(d -> d.settings(ModbusDevice.class).connection())
                .anyMatch(c -> targetHost.equalsIgnoreCase(c.host()) && c.port() == port);
        if (configured) {
            return;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(targetHost)) {
                if (!a.isLoopbackAddress()) {
                    throw refused(targetHost, port);
                }
            }
        } catch (UnknownHostException e) {
            throw refused(targetHost, port);
        }
    }

    private static CommandFailure refused(String host, int port) {
        return new CommandFailure("not-allowed", host + ":" + port + " is not a device of the running configuration; "
                + "probing other addresses needs fleet.commands.discovery: true");
    }
}
