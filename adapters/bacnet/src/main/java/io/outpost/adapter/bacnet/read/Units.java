package io.outpost.adapter.bacnet.read;

import com.serotonin.bacnet4j.type.enumerated.EngineeringUnits;
import io.outpost.adapter.bacnet.config.BacnetNames;
import java.util.Map;

/**
 * Engineering units as people write them: the usual symbol for the units building and plant systems use most
 * ({@code °C}, {@code kW}, {@code m³/h}), the standard's own name ({@code kilojoules-per-kilogram-dry-air}) for the
 * rest.
 */
public final class Units {

    static final Map<String, String> SYMBOLS = Map.ofEntries(
            Map.entry("degrees-celsius", "°C"), Map.entry("degrees-fahrenheit", "°F"), Map.entry("degrees-kelvin", "K"),
            Map.entry("delta-degrees-kelvin", "K"), Map.entry("percent", "%"), Map.entry("percent-relative-humidity", "%RH"),
            Map.entry("pascals", "Pa"), Map.entry("hectopascals", "hPa"), Map.entry("kilopascals", "kPa"),
            Map.entry("millibars", "mbar"), Map.entry("bars", "bar"), Map.entry("pounds-force-per-square-inch", "psi"),
            Map.entry("inches-of-water", "inH2O"), Map.entry("millimeters-of-water", "mmH2O"),
            Map.entry("watts", "W"), Map.entry("kilowatts", "kW"), Map.entry("megawatts", "MW"),
            Map.entry("watt-hours", "Wh"), Map.entry("kilowatt-hours", "kWh"), Map.entry("megawatt-hours", "MWh"),
            Map.entry("volts", "V"), Map.entry("millivolts", "mV"), Map.entry("kilovolts", "kV"),
            Map.entry("amperes", "A"), Map.entry("milliamperes", "mA"), Map.entry("volt-amperes", "VA"),
            Map.entry("kilovolt-amperes", "kVA"), Map.entry("kilovolt-amperes-reactive", "kvar"),
            Map.entry("hertz", "Hz"), Map.entry("revolutions-per-minute", "rpm"),
            Map.entry("cubic-meters-per-hour", "m³/h"), Map.entry("cubic-meters-per-second", "m³/s"),
            Map.entry("liters-per-second", "l/s"), Map.entry("liters-per-minute", "l/min"), Map.entry("liters-per-hour", "l/h"),
            Map.entry("cubic-feet-per-minute", "cfm"), Map.entry("us-gallons-per-minute", "gpm"),
            Map.entry("meters-per-second", "m/s"), Map.entry("cubic-meters", "m³"), Map.entry("liters", "l"),
            Map.entry("meters", "m"), Map.entry("millimeters", "mm"), Map.entry("kilograms", "kg"),
            Map.entry("kilograms-per-hour", "kg/h"), Map.entry("parts-per-million", "ppm"), Map.entry("luxes", "lx"),
            Map.entry("seconds", "s"), Map.entry("minutes", "min"), Map.entry("hours", "h"), Map.entry("days", "d"),
            Map.entry("kilojoules", "kJ"), Map.entry("megajoules", "MJ"), Map.entry("btus-per-hour", "BTU/h"),
            Map.entry("tons-refrigeration", "TR"), Map.entry("no-units", ""));

    private Units() {
    }

    /** The BACnet name of the units, e.g. {@code degrees-celsius}. */
    public static String name(EngineeringUnits units) {
        return BacnetNames.enumName(units);
    }

    /** The symbol, e.g. {@code °C}; the BACnet name when the units have no common symbol. */
    public static String symbol(EngineeringUnits units) {
        String name = name(units);
        return SYMBOLS.getOrDefault(name, name);
    }
}
