package io.outpost.adapter.modbus.config;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.SourceMark;
import io.outpost.core.point.DataType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the Modbus keys of devices and points. Reports every mistake through the node and always returns a record
 * (defaults where the input was wrong), so one load lists every problem. Runs on the loading thread.
 */
public final class ModbusConfigReader {

    private static final Map<String, Transport> TRANSPORTS = Map.of("tcp", Transport.TCP,
            "rtu-over-tcp", Transport.RTU_OVER_TCP, "rtu", Transport.RTU);
    private static final Map<String, Table> TABLES = tables();
    private static final List<String> SERIAL_KEYS = List.of("serial-port", "baud-rate", "parity", "data-bits", "stop-bits");
    private static final List<String> TCP_KEYS = List.of("host", "port");
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(10);
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);

    // ------------------------------------------------------------------ device

    public ModbusDevice readDevice(ConfigNode device) {
        ConfigNode c = device.mapping("connection");
        if (c.isMissing()) {
            device.missing("connection", "e.g. connection: {transport: tcp, host: 192.0.2.10, port: 502}");
        }
        ModbusConnection connection = readConnection(c);
        c.rejectUnknownKeys();

        int unitId = readUnitId(device, connection.transport(), 1);
        ModbusByteOrder order = ModbusByteOrder.ABCD;
        Optional<String> orderText = device.string("byte-order");
        if (orderText.isPresent()) {
            Optional<ModbusByteOrder.Named> named = ModbusByteOrder.parse(orderText.get());
            if (named.isEmpty() || named.get().widthBytes() == 2) {
                device.error("byte-order", "'" + orderText.get() + "' is not a default order for 32- and 64-bit values; "
                        + "allowed: ABCD, BADC, CDAB, DCBA (or their 64-bit forms ABCDEFGH, BADCFEHG, GHEFCDAB, HGFEDCBA); "
                        + "16-bit values and strings take their order from the point (AB or BA)");
            } else {
                order = named.get().order();
            }
        }
        int maxGap = device.integer("max-gap", ModbusDevice.DEFAULT_MAX_GAP, 0, 125);
        int maxRegisters = device.integer("max-registers-per-request", 125, 1, 125);
        int maxBits = device.integer("max-bits-per-request", 2000, 1, 2000);
        List<AddressRange> forbidden = readForbidden(device, connection.transport());
        WriteMode writeMode = device.enumValue("write-mode", WriteMode.class, WriteMode.SINGLE);
        Duration requestDelay = device.duration("request-delay", Duration.ZERO, Duration.ZERO, Duration.ofSeconds(10));
        return new ModbusDevice(connection, unitId, order, maxGap, maxRegisters, maxBits, forbidden, writeMode,
                requestDelay);
    }

    private ModbusConnection readConnection(ConfigNode c) {
        Transport transport = c.has("transport")
                ? c.choice("transport", TRANSPORTS).orElse(Transport.TCP)
                : (c.has("serial-port") ? Transport.RTU : Transport.TCP);
        Duration requestTimeout = c.duration("request-timeout", MIN_TIMEOUT, MAX_TIMEOUT).orElse(null);
        Duration connectTimeout = c.duration("connect-timeout", MIN_TIMEOUT, MAX_TIMEOUT).orElse(null);
        if (transport == Transport.RTU) {
            for (String key : TCP_KEYS) {
                if (c.has(key)) {
                    c.error(key, "'" + key + "' applies to transport: tcp or rtu-over-tcp; this device uses a serial port");
                }
            }
            return new ModbusConnection(transport, null, 0, readSerial(c), requestTimeout, connectTimeout, c.path(),
                    c.mark());
        }
        for (String key : SERIAL_KEYS) {
            if (c.has(key)) {
                c.error(key, "'" + key + "' applies to transport: rtu (a serial port); this device uses "
                        + ConfigNode.configName(transport));
            }
        }
        String host = c.requiredString("host").map(String::trim).orElse("");
        if (!host.isEmpty() && (host.contains("/") || host.contains(" "))) {
            c.error("host", "expected a host name or IP address such as 192.0.2.10, found '" + host + "'");
            host = "";
        }
        int port = c.integer("port", 502, 1, 65_535);
        return new ModbusConnection(transport, host.isEmpty() ? "invalid.invalid" : host, port, null, requestTimeout,
                connectTimeout, c.path(), c.mark());
    }

    private SerialSettings readSerial(ConfigNode c) {
        String port = c.requiredString("serial-port").map(String::trim).orElse("");
        int baud = c.integer("baud-rate", 9600, 50, 4_000_000);
        SerialSettings.Parity parity = c.enumValue("parity", SerialSettings.Parity.class, SerialSettings.Parity.EVEN);
        int dataBits = c.integer("data-bits", 8, 5, 8);
        if (dataBits != 8 && c.has("data-bits")) {
            c.error("data-bits", "Modbus RTU frames need 8 data bits, found " + dataBits
                    + " (7 data bits is Modbus ASCII, which this adapter does not speak)");
            dataBits = 8;
        }
        int stopBits = c.integer("stop-bits", 1, 1, 2);
        return new SerialSettings(port.isEmpty() ? "/dev/null" : port, baud, parity, dataBits, stopBits);
    }

    private static int readUnitId(ConfigNode node, Transport transport, int defaultValue) {
        // RTU unit 0 is broadcast: slaves never answer it, so it cannot be read.
        int min = transport == Transport.TCP ? 0 : 1;
        int max = transport == Transport.TCP ? 255 : 247;
        return node.integer("unit-id", defaultValue, min, max);
    }

    private List<AddressRange> readForbidden(ConfigNode device, Transport transport) {
        List<AddressRange> ranges = new ArrayList<>();
        for (ConfigNode item : device.list("forbidden")) {
            if (item.isMapping()) {
                Table table = item.choice("table", TABLES).orElse(null);
                if (table == null && !item.has("table")) {
                    item.missing("table", "one of " + String.join(", ", TABLES.keySet()));
                }
                Optional<Long> from = item.integer("from", 0, ModbusAddress.MAX_OFFSET);
                if (from.isEmpty() && !item.has("from")) {
                    item.missing("from", "the first 0-based offset of the range");
                }
                long to = item.integer("to", 0, ModbusAddress.MAX_OFFSET).orElse(from.orElse(0L));
                int unit = item.has("unit-id") ? readUnitId(item, transport, AddressRange.ANY_UNIT) : AddressRange.ANY_UNIT;
                item.rejectUnknownKeys();
                if (table != null && from.isPresent()) {
                    if (to < from.get()) {
                        item.error("to", "must not be below from (" + from.get() + "), found " + to);
                    } else {
                        ranges.add(new AddressRange(table, from.get().intValue(), (int) to, unit));
                    }
                }
                continue;
            }
            item.asString().ifPresent(text -> parseForbiddenText(item, text).ifPresent(ranges::add));
        }
        return ranges;
    }

    private static Optional<AddressRange> parseForbiddenText(ConfigNode item, String text) {
        String[] ends = text.split("-", -1);
        if (ends.length > 2) {
            item.error("expected a reference or a range of references such as 40100-40199, found '" + text + "'");
            return Optional.empty();
        }
        ModbusAddress.Parsed first = ModbusAddress.parse(ends[0]);
        ModbusAddress.Parsed last = ends.length == 2 ? ModbusAddress.parse(ends[1]) : first;
        for (ModbusAddress.Parsed p : List.of(first, last)) {
            if (!p.ok()) {
                item.error(p.problem());
                return Optional.empty();
            }
            if (p.address().hasBit()) {
                item.error("forbidden ranges are whole registers; drop the bit number in '" + text + "'");
                return Optional.empty();
            }
        }
        if (first.address().table() != last.address().table()) {
            item.error("both ends of '" + text + "' must be in the same table");
            return Optional.empty();
        }
        if (last.address().offset() < first.address().offset()) {
            item.error("'" + text + "' ends before it starts");
            return Optional.empty();
        }
        return Optional.of(new AddressRange(first.address().table(), first.address().offset(),
                last.address().offset(), AddressRange.ANY_UNIT));
    }

    // ------------------------------------------------------------------ point

    public ModbusPoint readPoint(ConfigNode point, ModbusDevice device, DataType declaredType) {
        ModbusAddress address = readAddress(point);
        String addressKey = point.has("address") || !point.has("table") ? "address" : "table";
        int unitId = point.has("unit-id") ? readUnitId(point, device.connection().transport(), device.unitId())
                : device.unitId();
        DataType type = readType(point, address, declaredType);
        int length = readLength(point, type);
        ModbusByteOrder order = readOrder(point, address, type, device.byteOrder());
        int span = address.table().isBits() || address.hasBit() ? 1 : ModbusPoint.registersOf(type, length);
        if (address.offset() + span - 1 > ModbusAddress.MAX_OFFSET) {
            point.error(addressKey, "a " + type + " at " + address + " spans " + span
                    + " registers and runs past the last address (65535)");
        }
        SourceMark mark = point.child(addressKey).mark();
        return new ModbusPoint(unitId, address, type, order, length, pathOf(point, addressKey), mark);
    }

    private static String pathOf(ConfigNode node, String key) {
        return node.path().isEmpty() ? key : node.path() + "." + key;
    }

    private ModbusAddress readAddress(ConfigNode point) {
        ModbusAddress fallback = new ModbusAddress(Table.HOLDING_REGISTER, 0, ModbusAddress.NO_BIT);
        boolean hasAddress = point.has("address");
        boolean hasTable = point.has("table");
        boolean hasIndex = point.has("index");
        boolean hasBit = point.has("bit");
        if (hasAddress && (hasTable || hasIndex || hasBit)) {
            point.error("address", "give either address: (a Modicon reference such as 40001) or table: with index:, "
                    + "not both");
            return fallback;
        }
        if (hasAddress) {
            return point.string("address").map(text -> {
                ModbusAddress.Parsed parsed = ModbusAddress.parse(text);
                if (!parsed.ok()) {
                    point.error("address", parsed.problem());
                    return fallback;
                }
                return parsed.address();
            }).orElse(fallback);
        }
        if (!hasTable) {
            point.missing("address", "a Modicon reference such as 40001 (holding register 1) or 30001, 10001, 00001; "
                    + "or table: (holding, input, coil, discrete) with a 0-based index:");
            return fallback;
        }
        Optional<Table> table = point.choice("table", TABLES);
        // "offset" is the core's scaling offset, so the 0-based address is called index.
        Optional<Long> offset = point.integer("index", 0, ModbusAddress.MAX_OFFSET);
        if (offset.isEmpty() && !point.has("index")) {
            point.missing("index", "the 0-based address in the table (holding index 0 is Modicon 40001)");
        }
        int bit = ModbusAddress.NO_BIT;
        if (point.has("bit")) {
            if (table.isPresent() && table.get().isBits()) {
                point.error("bit", "bit: applies to registers; " + table.get().configName() + " addresses are single bits");
            } else {
                bit = point.integer("bit", ModbusAddress.NO_BIT, 0, 15);
            }
        }
        if (table.isEmpty() || offset.isEmpty()) {
            return fallback;
        }
        return new ModbusAddress(table.get(), offset.get().intValue(), bit);
    }

    private static DataType readType(ConfigNode point, ModbusAddress address, DataType declared) {
        boolean bit = address.table().isBits() || address.hasBit();
        if (declared == null) {
            if (bit) {
                return DataType.BOOL;
            }
            point.missing("type", "registers hold int16, uint16, int32, uint32, int64, uint64, float32, float64, "
                    + "string or bool");
            return DataType.UINT16;
        }
        if (bit && declared != DataType.BOOL) {
            point.error("type", (address.hasBit() ? "a bit of a register" : address.table().configName() + " addresses")
                    + " hold one bit: type must be bool, found " + declared);
            return DataType.BOOL;
        }
        if (declared == DataType.ARRAY) {
            point.error("type", "Modbus points hold one value; read each register as its own point");
            return DataType.UINT16;
        }
        return declared;
    }

    private static int readLength(ConfigNode point, DataType type) {
        if (type != DataType.STRING) {
            if (point.has("length")) {
                point.error("length", "length applies to type: string only, found type " + type);
            }
            return 0;
        }
        if (!point.has("length")) {
            point.missing("length", "the string's size in characters (two per register), e.g. length: 16");
            return 2;
        }
        return point.integer("length", 2, 1, 250);
    }

    private static ModbusByteOrder readOrder(ConfigNode point, ModbusAddress address, DataType type,
                                             ModbusByteOrder deviceDefault) {
        int width = widthBytes(type);
        boolean bit = address.table().isBits() || address.hasBit();
        ModbusByteOrder fallback = width >= 4 ? deviceDefault : ModbusByteOrder.ABCD;
        Optional<String> text = point.string("byte-order");
        if (text.isEmpty()) {
            return fallback;
        }
        if (bit) {
            point.error("byte-order", "byte-order does not apply to a single bit");
            return fallback;
        }
        Optional<ModbusByteOrder.Named> named = ModbusByteOrder.parse(text.get());
        if (named.isEmpty()) {
            point.error("byte-order", "'" + text.get() + "' is not a byte order; allowed: " + ModbusByteOrder.allowedNames());
            return fallback;
        }
        int written = named.get().widthBytes();
        boolean fits = width == 2 ? written == 2 : width == 4 ? written == 4 : written == 4 || written == 8;
        if (!fits) {
            String allowed = width == 2 ? "AB or BA" : width == 4 ? "ABCD, BADC, CDAB or DCBA"
                    : "ABCD, BADC, CDAB, DCBA or ABCDEFGH, BADCFEHG, GHEFCDAB, HGFEDCBA";
            point.error("byte-order", "a " + type + " is " + (width == 2 ? "16-bit per register" : (width * 8) + "-bit")
                    + ": byte-order takes " + allowed + ", found " + named.get().name());
            return fallback;
        }
        return named.get().order();
    }

    /** Bytes of one value of {@code type}; strings and 16-bit types swap bytes per register, so they count as 2. */
    private static int widthBytes(DataType type) {
        return switch (type) {
            case INT32, UINT32, FLOAT32 -> 4;
            case INT64, UINT64, FLOAT64 -> 8;
            default -> 2;
        };
    }

    private static Map<String, Table> tables() {
        Map<String, Table> m = new LinkedHashMap<>();
        for (Table t : Table.values()) {
            m.put(t.configName(), t);
        }
        return m;
    }
}
