package io.outpost.core.logic.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.outpost.core.config.UnitConversion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Conversions against values from the definitions (NIST SP 811, the international foot and inch of 1959, the US
 * gallon of 231 cubic inches), not from the library under test.
 */
class UnitCatalogTest {

    private static final UnitCatalog UNITS = new UnitCatalog();

    private static UnitConversion conversion(String from, String to) {
        UnitCatalog.Result r = UNITS.conversion(from, to);
        assertThat(r.problem()).as(from + " -> " + to).isNull();
        return r.conversion();
    }

    @ParameterizedTest(name = "{1} {0} = {3} {2}")
    @CsvSource({
            // temperature: affine, not just a factor
            "degF, 212, degC, 100",
            "degF, 32, degC, 0",
            "degF, -40, degC, -40",
            "degF, 98.6, degC, 37",
            "degC, 100, degF, 212",
            "degC, 0, K, 273.15",
            "°F, 50, °C, 10",
            "[degF], 212, Cel, 100",
            // pressure: 1 psi = 6894.757293168361 Pa; 1 bar = 100 kPa
            "psi, 1, Pa, 6894.757293168361",
            "psi, 14.503773773, bar, 1",
            "bar, 2.5, kPa, 250",
            "inH2O, 1, Pa, 249.08891",
            // length: 1 ft = 0.3048 m, 1 in = 25.4 mm
            "ft, 10, m, 3.048",
            "in, 2, mm, 50.8",
            // volume and flow: 1 US gal = 3.785411784 L; 1 bbl = 42 gal
            "gal, 1, L, 3.785411784",
            "bbl, 1, L, 158.987294928",
            "gpm, 1, L/min, 3.785411784",
            "gpm, 100, m3/h, 22.712470704",
            "L/s, 1, m3/h, 3.6",
            // energy: 1 kWh = 3.6 MJ
            "kWh, 1, MJ, 3.6",
            "MWh, 1, kWh, 1000",
            "Wh, 1, J, 3600",
    })
    void a_conversion_gives_the_value_from_the_definitions(String from, double value, String to, double expected) {
        UnitConversion c = conversion(from, to);

        assertThat(c.forward().applyAsDouble(value)).isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
        assertThat(c.inverse().applyAsDouble(expected)).isCloseTo(value, within(1e-9 * Math.max(1, Math.abs(value))));
    }

    @Test
    void boiling_water_in_fahrenheit_is_exactly_100_celsius() {
        assertThat(conversion("degF", "degC").forward().applyAsDouble(212.0)).isEqualTo(100.0);
    }

    @Test
    void units_of_different_quantities_are_refused() {
        UnitCatalog.Result r = UNITS.conversion("degC", "bar");

        assertThat(r.conversion()).isNull();
        assertThat(r.fromIsWrong()).isFalse();
        assertThat(r.problem()).contains("cannot convert degC").contains("to bar").contains("different quantities");
    }

    @Test
    void an_unknown_unit_is_refused_with_a_suggestion() {
        UnitCatalog.Result r = UNITS.conversion("degFF", "degC");

        assertThat(r.conversion()).isNull();
        assertThat(r.fromIsWrong()).isTrue();
        assertThat(r.problem()).contains("unknown unit 'degFF'").contains("did you mean 'degF'?");
        assertThat(UNITS.conversion("m", "furlongs").problem()).contains("unknown unit 'furlongs'");
    }

    @Test
    void conversions_between_the_same_units_are_equal_so_a_reload_keeps_the_point() {
        assertThat(conversion("degF", "degC")).isEqualTo(conversion("degF", "degC"));
        assertThat(conversion("degF", "degC")).isNotEqualTo(conversion("degF", "K"));
    }
}
