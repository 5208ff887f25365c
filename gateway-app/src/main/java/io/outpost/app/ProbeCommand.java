package io.outpost.app;

import io.outpost.adapter.modbus.config.ModbusAddress;
import io.outpost.adapter.modbus.config.ModbusDevice;
import io.outpost.adapter.modbus.probe.ModbusProbe;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.spi.DeviceException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "probe", description = {
    "Read a Modbus register range once with the connection of a device in CONFIG and show every interpretation",
    "side by side (int16/uint16, 32- and 64-bit integers and floats in every byte order, text), to settle the",
    "byte order against a value you know (--expect)."})
final class ProbeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "Configuration file holding the device.")
    Path config;

    @Parameters(index = "1", paramLabel = "DEVICE", description = "Id of a modbus device in CONFIG.")
    String deviceId;

    @Option(names = "--address", required = true, description = "First address: Modicon reference (40001, 300001) as in the config.")
    String address;

    @Option(names = "--count", description = "Registers or bits to read (default: ${DEFAULT-VALUE}).", defaultValue = "4")
    int count;

    @Option(names = "--unit", description = "Unit (slave) id (default: the device's).")
    Integer unit;

    @Option(names = "--expect", description = "A value the registers should hold, e.g. the display's 123.456.")
    Double expect;

    @Option(names = "--timeout", description = "Answer timeout (default: ${DEFAULT-VALUE}).", defaultValue = "3s",
            converter = DurationConverter.class)
    Duration timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            DeviceConfig device = ToolSupport.device(ToolSupport.load(config), deviceId, "modbus");
            ModbusDevice settings = device.settings(ModbusDevice.class);
            ModbusAddress.Parsed parsed = ModbusAddress.parse(address);
            if (parsed.problem() != null) {
                throw new ToolSupport.ToolFailure(ExitCodes.INVALID, "--address " + address + ": " + parsed.problem());
            }
            ModbusProbe.Request request;
            try {
                request = new ModbusProbe.Request(settings.connection(), unit == null ? settings.unitId() : unit,
                        parsed.address().table(), parsed.address().offset(), count, timeout,
                        expect == null ? OptionalDouble.empty() : OptionalDouble.of(expect));
            } catch (IllegalArgumentException e) {
                throw new ToolSupport.ToolFailure(ExitCodes.INVALID, e.getMessage());
            }
            spec.commandLine().getOut().print(ModbusProbe.probe(request).toTable());
            return ExitCodes.OK;
        } catch (ToolSupport.ToolFailure f) {
            return ToolSupport.fail(spec.commandLine().getErr(), f);
        } catch (DeviceException e) {
            return ToolSupport.fail(spec.commandLine().getErr(), e);
        }
    }
}
